import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode, ErrorDefinition } from './error-codes';
import { FieldError } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The OpenAPI schema that lists every error code. */
export const ERROR_CODE_SCHEMA = 'ErrorCode';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'basePrice' })
  field!: string;

  @ApiProperty({ example: 'basePrice must be an amount from 0 to 99999999.99' })
  message!: string;
}

/** An error answer, RFC 9457 problem details with the service's stable `code`. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:problem-type:commerce:validation-failed' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'name must be shorter than or equal to 200 characters' })
  detail!: string;

  // The codes are the application's (see documentErrorCodes), which the kernel does not know.
  @ApiProperty({ allOf: [{ $ref: getSchemaPath(ERROR_CODE_SCHEMA) }], example: ErrorCode.VALIDATION_FAILED })
  code!: string;

  @ApiProperty({ description: 'The request path', example: '/api/products' })
  instance!: string;

  @ApiProperty({ description: 'Correlates the answer with the service logs', example: '4f0c…' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'INSUFFICIENT_STOCK: every short line `{ variantId, requested, available }`; PURCHASE_LIMIT_EXCEEDED: every ' +
      'line past a limit `{ variantId, limitKind, limit, requested, alreadyHeld }`',
  })
  lines?: Record<string, unknown>[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'PRECONDITION_FAILED and STOCK_CHANGED: the current figures `{ onHand, reserved, available, version }`',
  })
  current?: Record<string, unknown>;
}

export type Problem = Omit<ProblemDto, 'errors'> & { errors?: FieldError[] } & Record<string, unknown>;

export function problemType(code: string): string {
  return `urn:problem-type:commerce:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function buildProblem(
  code: string,
  { status, title }: ErrorDefinition,
  detail: string,
  context: { instance: string; requestId: string },
  extensions: Record<string, unknown> = {},
): Problem {
  // Extensions come first: an extension can never replace a standard member such as `status`.
  return { ...extensions, type: problemType(code), title, status, detail, code, ...context };
}
