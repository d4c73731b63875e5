/** What a code answers with: its HTTP status and the problem's `title` (also the OpenAPI text). */
export interface ErrorDefinition {
  status: number;
  title: string;
}

/** Stable error codes, each with its definition. Clients branch on the codes, never on the text. */
export type ErrorDefinitions = Readonly<Record<string, ErrorDefinition>>;

/** The codes of a set of definitions as constants: `codesOf(GENERIC_ERRORS).NOT_FOUND === 'NOT_FOUND'`. */
export function codesOf<T extends ErrorDefinitions>(definitions: T): { readonly [K in keyof T & string]: K } {
  return Object.fromEntries(Object.keys(definitions).map((code) => [code, code])) as {
    readonly [K in keyof T & string]: K;
  };
}

/**
 * The kernel's codes, which any module may answer with. A module's own codes live in its
 * `<module>.errors.ts`; the application composes all of them into one ErrorRegistry.
 */
export const GENERIC_ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'The operation is not allowed' },
  NOT_FOUND: { status: 404, title: 'The resource was not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'The method is not allowed on this resource' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource changed since the version the request names' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  /** Logged only: the client closed the connection before its answer (nginx's 499). */
  CLIENT_CLOSED_REQUEST: { status: 499, title: 'The client closed the request' },
  INTERNAL: { status: 500, title: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is unavailable' },
} as const satisfies ErrorDefinitions;

export const ErrorCode = codesOf(GENERIC_ERRORS);

export type ErrorCode = keyof typeof GENERIC_ERRORS;

/** The code a bare HTTP status maps to, for errors raised by the framework itself. */
export function errorCodeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 405:
      return ErrorCode.METHOD_NOT_ALLOWED;
    case 408:
      return ErrorCode.REQUEST_TIMEOUT;
    case 409:
      return ErrorCode.CONFLICT;
    case 412:
      return ErrorCode.PRECONDITION_FAILED;
    case 413:
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 431:
      return ErrorCode.HEADERS_TOO_LARGE;
    case 429:
      return ErrorCode.RATE_LIMITED;
    case 503:
      return ErrorCode.SERVICE_UNAVAILABLE;
    default:
      return status >= 400 && status < 500 ? ErrorCode.VALIDATION_FAILED : ErrorCode.INTERNAL;
  }
}
