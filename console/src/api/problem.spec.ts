import { ApiError, fieldError, unwrap } from './problem';

/** What openapi-fetch resolves to, for an answer of `status` with `body`. */
function answer(status: number, body: unknown, statusText = '', headers: Record<string, string> = {}) {
  const response = new Response(null, { status, statusText, headers });
  return response.ok ? { data: body, response } : { error: body, response };
}

async function problemOf(call: Promise<{ data?: unknown; error?: unknown; response: Response }>) {
  const error = await unwrap(call).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).problem;
}

describe('unwrap', () => {
  it('gives the data of a success', async () => {
    await expect(unwrap(Promise.resolve(answer(200, { id: 7 })))).resolves.toEqual({ id: 7 });
  });

  it("keeps every member of the API's problem+json, with the answer's status", async () => {
    const body = {
      code: 'PRECONDITION_FAILED',
      title: 'Precondition failed',
      detail: 'The stock changed since version 3',
      current: { onHand: 4, reserved: 1, available: 3, version: 4 },
    };
    const problem = await problemOf(Promise.resolve(answer(412, body)));

    expect(problem).toEqual({ status: 412, ...body });
  });

  it('keeps how long a dependency asks the client to wait (Retry-After in seconds)', async () => {
    const body = { code: 'SERVICE_UNAVAILABLE', title: 'The service is unavailable' };

    expect(await problemOf(Promise.resolve(answer(503, body, '', { 'retry-after': '2' })))).toEqual({
      status: 503,
      ...body,
      retryAfterSeconds: 2,
    });
    const dated = await problemOf(
      Promise.resolve(answer(503, body, '', { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' })),
    );
    expect(dated).not.toHaveProperty('retryAfterSeconds');
  });

  it('names the status of an answer that is not a problem (a proxy page, an empty body)', async () => {
    expect(await problemOf(Promise.resolve(answer(502, '<html>Bad gateway</html>', 'Bad Gateway')))).toEqual({
      status: 502,
      code: 'UNKNOWN',
      title: 'Bad Gateway',
    });
    expect(await problemOf(Promise.resolve(answer(503, undefined)))).toMatchObject({ title: 'HTTP 503' });
  });

  it('says the API could not be reached when the request itself failed', async () => {
    const problem = await problemOf(Promise.reject(new TypeError('Failed to fetch')));

    expect(problem).toEqual({
      status: 0,
      code: 'UNREACHABLE',
      title: 'The API could not be reached',
      detail: 'Failed to fetch',
    });
  });

  it('gives the error the detail as its message, or the title', () => {
    expect(new ApiError({ status: 409, code: 'X', title: 'Conflict', detail: 'on hand below reserved' }).message).toBe(
      'on hand below reserved',
    );
    expect(new ApiError({ status: 409, code: 'X', title: 'Conflict' }).message).toBe('Conflict');
  });
});

describe('fieldError', () => {
  const invalid = new ApiError({
    status: 400,
    code: 'VALIDATION_FAILED',
    title: 'Validation failed',
    errors: [
      { field: 'name', message: 'name must be shorter than or equal to 120 characters' },
      { field: 'condition.minQuantity', message: 'minQuantity must not be less than 1' },
    ],
  });

  it("finds the API's message for a field, or for a member of it", () => {
    expect(fieldError(invalid, 'name')).toBe('name must be shorter than or equal to 120 characters');
    expect(fieldError(invalid, 'condition')).toBe('minQuantity must not be less than 1');
  });

  it('finds nothing for a field the API did not name, a prefix that is not a member, or another error', () => {
    expect(fieldError(invalid, 'effect')).toBeUndefined();
    expect(fieldError(invalid, 'nam')).toBeUndefined();
    expect(fieldError(new Error('boom'), 'name')).toBeUndefined();
    expect(fieldError(undefined, 'name')).toBeUndefined();
  });
});
