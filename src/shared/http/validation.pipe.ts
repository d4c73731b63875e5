import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../errors';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The path of the first string (or key) holding U+0000, or null when there is none. */
function findNulCharacter(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return itemPath;
    const found = findNulCharacter(item, itemPath);
    if (found !== null) return found;
  }
  return null;
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
    const nulAt = findNulCharacter(value, metadata.data ?? '');
    if (nulAt !== null) {
      // PostgreSQL text and jsonb cannot hold U+0000; refuse it here, field by field.
      const message = `${nulAt || 'the value'} must not contain the NUL character`;
      throw new ValidationFailedError(message, [{ field: nulAt, message }]);
    }
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
