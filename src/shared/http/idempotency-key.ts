import { applyDecorators, createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems, ValidationFailedError } from '../errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on an answer that repeats the stored response of an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Validates an Idempotency-Key: 1-255 visible ASCII characters (a UUID is a good choice). */
@Injectable()
export class IdempotencyKeyPipe implements PipeTransform<unknown, string | undefined> {
  constructor(private readonly required = false) {}

  transform(value: unknown): string | undefined {
    if (value === undefined && this.required) {
      const message = `${IDEMPOTENCY_KEY_HEADER} is required: this write is not safe to repeat without one`;
      throw new ValidationFailedError(message, [{ field: IDEMPOTENCY_KEY_HEADER, message }]);
    }
    if (value === undefined) return undefined;
    if (typeof value === 'string' && KEY_PATTERN.test(value)) return value;
    const message = `${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 visible ASCII characters, e.g. a UUID`;
    throw new ValidationFailedError(message, [{ field: IDEMPOTENCY_KEY_HEADER, message }]);
  }
}

const idempotencyKeyHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      IDEMPOTENCY_KEY_HEADER.toLowerCase()
    ],
);

/** The validated Idempotency-Key header of the request; undefined when it has none, unless `required` (400). */
export const IdempotencyKey = ({ required = false } = {}) => idempotencyKeyHeader(new IdempotencyKeyPipe(required));

/** Documents the Idempotency-Key header and the 422 its reuse answers; `scope` says whose keys collide. */
export const ApiIdempotencyKey = ({ required = false, scope = 'per customer' } = {}) =>
  applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required,
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
      description:
        `${required ? 'Required. ' : ''}Makes a retry safe: a repeat with the same key (${scope}, kept 24 h) answers ` +
        `the stored response with \`${IDEMPOTENT_REPLAYED_HEADER}: true\` and changes nothing; the same key with ` +
        'another request is 422.',
    }),
    ApiProblems(422),
  );
