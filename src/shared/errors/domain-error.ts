import { ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A rule of the domain was broken. Services throw these (never HTTP exceptions); the
 * global filter turns them into problem+json with the code's status. The code is one of
 * the kernel's (ErrorCode) or one its module declares in its `<module>.errors.ts`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Extra members of the problem body, e.g. `lines` of INSUFFICIENT_STOCK. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id: string | number) {
    super(ErrorCode.NOT_FOUND, `${resource} ${id} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message);
  }
}

/** Input that passed the DTO's shape checks but breaks a rule only a service can see. */
export class ValidationFailedError extends DomainError {
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(ErrorCode.VALIDATION_FAILED, message, { errors });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid bearer token is required') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'This operation needs the admin role') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, `Too many requests from this client; retry in ${retryAfterSeconds} s`);
  }
}
