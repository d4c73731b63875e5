import { BadRequestException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { APP_ERRORS } from '../../app.errors';
import { DomainError, NotFoundError, RateLimitedError, ValidationFailedError } from './domain-error';
import { problemMapper } from './problem.mapper';

const mapErrorToProblem = problemMapper(APP_ERRORS);
const context = { instance: '/api/things', requestId: 'req-1' };

function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('INSERT ...', [], Object.assign(new Error('secret SQL detail'), { code }));
}

describe(mapErrorToProblem.name, () => {
  it('keeps the code, detail and extensions of a domain error', () => {
    const error = new DomainError('INSUFFICIENT_STOCK', 'Variant 1 is short', { lines: [{ variantId: 1 }] });

    const { problem, unexpected } = mapErrorToProblem(error, context);

    expect(unexpected).toBe(false);
    expect(problem).toEqual({
      type: 'urn:problem-type:commerce:insufficient-stock',
      title: 'Not enough stock',
      status: 409,
      detail: 'Variant 1 is short',
      code: 'INSUFFICIENT_STOCK',
      instance: '/api/things',
      requestId: 'req-1',
      lines: [{ variantId: 1 }],
    });
  });

  it('never lets an extension replace a standard member such as the status', () => {
    const error = new DomainError('RESERVATION_NOT_ACTIVE', 'gone', { status: 'CANCELLED', code: 'X' });

    const { problem } = mapErrorToProblem(error, context);

    expect(problem).toMatchObject({ status: 409, code: 'RESERVATION_NOT_ACTIVE' });
  });

  it('lists field errors of a validation failure', () => {
    const error = new ValidationFailedError('bad', [{ field: 'name', message: 'name is empty' }]);

    expect(mapErrorToProblem(error, context).problem).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name', message: 'name is empty' }],
    });
  });

  it.each([
    [new NotFoundError('Product', 7), 404, 'NOT_FOUND'],
    [new NotFoundException('Cannot GET /nope'), 404, 'NOT_FOUND'],
    [new BadRequestException('bad'), 400, 'VALIDATION_FAILED'],
    [new RateLimitedError(30), 429, 'RATE_LIMITED'],
    [Object.assign(new Error('Forbidden'), { status: 403, statusCode: 403 }), 403, 'FORBIDDEN'],
    [new ServiceUnavailableException({ details: { redis: { status: 'down' } } }), 503, 'SERVICE_UNAVAILABLE'],
    [queryFailed('23505'), 409, 'CONFLICT'],
    [queryFailed('23503'), 409, 'CONFLICT'],
  ])('maps %p to %p %p', (error, status, code) => {
    const { problem, unexpected } = mapErrorToProblem(error, context);
    expect(problem.status).toBe(status);
    expect(problem.code).toBe(code);
    expect(unexpected).toBe(false);
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'VALIDATION_FAILED'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'PAYLOAD_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('maps the Fastify error %s to %p %s', (fastifyCode, status, code) => {
    const error = Object.assign(new Error('fastify says no'), { code: fastifyCode, statusCode: status });

    expect(mapErrorToProblem(error, context).problem).toMatchObject({ status, code, detail: 'fastify says no' });
  });

  it.each([
    [new Error('connection refused at 10.0.0.5')],
    [queryFailed('42P01')],
    ['a thrown string'],
    [Object.assign(new Error('internal fastify fault'), { code: 'FST_ERR_SOMETHING', statusCode: 500 })],
  ])('hides the details of an unexpected error %p behind INTERNAL and the request id', (error) => {
    const { problem, unexpected } = mapErrorToProblem(error, context);

    expect(unexpected).toBe(true);
    expect(problem.status).toBe(500);
    expect(problem.code).toBe('INTERNAL');
    expect(problem.detail).toContain('req-1');
    expect(JSON.stringify(problem)).not.toMatch(/10\.0\.0\.5|SQL|fault/);
  });

  it.each([
    [queryFailed('55P03'), 'LOCK_TIMEOUT'],
    [queryFailed('57014'), 'STATEMENT_TIMEOUT'],
    [queryFailed('57P01'), 'CONNECTION'],
    [queryFailed('57P03'), 'CONNECTION'],
    [queryFailed('08006'), 'CONNECTION'],
    [queryFailed('53300'), 'CONNECTION'],
    [queryFailed('40P01'), 'CONNECTION'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'CONNECTION'],
    [new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')), 'CONNECTION'],
    [new Error('timeout exceeded when trying to connect'), 'POOL_TIMEOUT'],
    [new QueryRunnerProviderAlreadyReleasedError(), 'CONNECTION'],
  ])('answers %p, a database that cannot serve now, with 503 %s and a Retry-After', (error, reason) => {
    const { problem, unexpected, retryAfterSeconds } = mapErrorToProblem(error, context);

    expect(unexpected).toBe(false);
    expect(problem).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', reason });
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(JSON.stringify(problem)).not.toMatch(/SQL|secret/);
  });
});
