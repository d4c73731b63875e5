/**
 * The API's problem+json answers as the console handles them; nothing here touches the
 * browser, so that it runs under the unit tests as it does in the tab.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** An answer of the API that is not a success: its problem+json, or what the console could tell. */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  /** From the Retry-After header: the API expects a retry to succeed after this many seconds. */
  retryAfterSeconds?: number;
  [member: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
}

/** The data of a call, or an ApiError carrying the problem the API answered with. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError({
      status: 0,
      code: 'UNREACHABLE',
      title: 'The API could not be reached',
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  if (result.response.ok) return result.data as T;
  throw new ApiError(problemOf(result.error, result.response));
}

function problemOf(body: unknown, response: Response): Problem {
  const problem: Problem =
    body && typeof body === 'object' && 'title' in body
      ? ({ status: response.status, code: 'UNKNOWN', ...(body as Partial<Problem>) } as Problem)
      : { status: response.status, code: 'UNKNOWN', title: response.statusText || `HTTP ${response.status}` };
  const retryAfter = retryAfterSecondsOf(response.headers.get('retry-after'));
  return retryAfter === undefined ? problem : { ...problem, retryAfterSeconds: retryAfter };
}

/** Retry-After in seconds; the HTTP-date form is answered by no route of this API. */
function retryAfterSecondsOf(header: string | null): number | undefined {
  const value = header?.trim() ?? '';
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The message of the API for one field of the last failed request, if it named that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.errors?.find((candidate) => candidate.field === field || candidate.field.startsWith(`${field}.`))
    ?.message;
}
