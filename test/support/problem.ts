import { Response } from 'supertest';

export const PROBLEM_JSON = 'application/problem+json';

/** Asserts an error answer: its status, the problem+json media type and the stable code. */
export function expectProblem(response: Response, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toContain(PROBLEM_JSON);
  expect(response.body.code).toBe(code);
}

/** Asserts that a VALIDATION_FAILED answer names the field among its errors. */
export function expectFieldError(response: Response, field: string): void {
  expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}
