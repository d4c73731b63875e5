import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, ApiResponseOptions, getSchemaPath, OpenAPIObject } from '@nestjs/swagger';
import { ErrorRegistry } from './error-registry';
import { ERROR_CODE_SCHEMA, PROBLEM_CONTENT_TYPE, ProblemDto } from './problem';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid body, query or path value (VALIDATION_FAILED)',
  401: 'Missing, malformed, expired or badly signed token (UNAUTHENTICATED)',
  403: 'Authenticated but not allowed (FORBIDDEN)',
  404: 'No such resource (NOT_FOUND)',
  408: 'The request was not received in time (REQUEST_TIMEOUT)',
  409: 'Conflicts with the current state',
  412: 'If-Match names a version that is no longer current (PRECONDITION_FAILED); the body has the current one',
  413: 'Body too large (PAYLOAD_TOO_LARGE)',
  415: 'Body is not JSON (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Idempotency key reused for another request (IDEMPOTENCY_KEY_REUSED)',
  429: 'Too many requests (RATE_LIMITED)',
  500: 'Unexpected fault (INTERNAL)',
};

/** The OpenAPI response of a problem+json answer with this status. */
export function problemResponse(status: number): ApiResponseOptions {
  return {
    status,
    description: DESCRIPTIONS[status] ?? 'Error',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
  };
}

/** Documents problem+json answers for the given statuses, so generated clients type errors too. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(ApiExtraModels(ProblemDto), ...statuses.map((status) => ApiResponse(problemResponse(status))));
}

/** Lists the registry's codes in the schema that every problem's `code` refers to. */
export function documentErrorCodes(document: OpenAPIObject, registry: ErrorRegistry): OpenAPIObject {
  const schemas = {
    [ERROR_CODE_SCHEMA]: { type: 'string' as const, enum: registry.codes },
    ...document.components?.schemas,
  };
  return { ...document, components: { ...document.components, schemas } };
}
