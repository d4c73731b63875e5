import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../errors';
import { findUnstorableField } from './json-body';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The global pipe: unknown fields are rejected (not stripped), values are converted to
 * the DTO's types, and every failure answers VALIDATION_FAILED with per-field errors.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => {
        const fieldErrors = flatten(errors);
        return new ValidationFailedError(fieldErrors.map((e) => e.message).join('; '), fieldErrors);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    // PostgreSQL text and jsonb cannot hold U+0000, and reserved keys would be dropped
    // silently on the way to the DTO: refuse both here, field by field.
    const unstorable = findUnstorableField(value, metadata.data ?? '');
    if (unstorable !== null) throw new ValidationFailedError(unstorable.message, [unstorable]);
    // Path values are parsed by their own pipes (IntIdPipe); a Number() conversion here
    // would let "1e3" or "0x10" through as ids.
    if (metadata.type === 'param') return value;
    // class-transformer would turn an array or a scalar body into something that
    // passes validation; a body must be a JSON object.
    if (metadata.type === 'body' && this.isDtoClass(metadata)) {
      if (value === undefined) value = {};
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ValidationFailedError('The request body must be a JSON object', [
          { field: '', message: 'The request body must be a JSON object' },
        ]);
      }
    }
    return super.transform(value, metadata);
  }

  private isDtoClass(metadata: ArgumentMetadata): boolean {
    const type = metadata.metatype;
    return typeof type === 'function' && ![String, Number, Boolean, Array, Object].includes(type as never);
  }
}
