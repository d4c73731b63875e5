import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ValidationFailedError } from '../errors';

/**
 * For operations that take no body (checkout, confirm, cancel): anything sent is refused
 * with 400 like any unknown field, instead of being silently ignored. An empty object is
 * accepted, for clients that always send `{}`. Being a parameter decorator, it adds no
 * request body to the OpenAPI document.
 */
export const NoBody = createParamDecorator((_data: unknown, context: ExecutionContext): undefined => {
  const body: unknown = context.switchToHttp().getRequest<{ body?: unknown }>().body;
  const empty = body === undefined || body === null || (isPlainObject(body) && Object.keys(body).length === 0);
  if (empty) return undefined;
  const fields = isPlainObject(body) ? Object.keys(body) : ['body'];
  throw new ValidationFailedError(
    'This operation takes no request body',
    fields.map((field) => ({ field, message: `property ${field} should not exist` })),
  );
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
