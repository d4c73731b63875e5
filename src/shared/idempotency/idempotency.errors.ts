import { codesOf, DomainError, ErrorDefinitions } from '../errors';

/** The codes of the kernel's idempotency keys, composed into the application's registry. */
export const IDEMPOTENCY_ERRORS = {
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The idempotency key was used for another request' },
} as const satisfies ErrorDefinitions;

export const IdempotencyErrorCode = codesOf(IDEMPOTENCY_ERRORS);

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
    );
  }
}
