import { readinessReportOf } from './readiness-report';

describe('readinessReportOf', () => {
  it('reads the checks of a ready answer from its details', () => {
    const body = {
      status: 'ok',
      info: {},
      error: {},
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    };

    expect(readinessReportOf(200, body)).toEqual({ httpStatus: 200, checks: body.details });
  });

  it('reads the checks of a not-ready problem+json, the one down with its message', () => {
    const checks = { postgres: { status: 'up' }, redis: { status: 'down', message: 'connect ECONNREFUSED' } };
    const body = { code: 'SERVICE_UNAVAILABLE', title: 'The service is unavailable', checks };

    expect(readinessReportOf(503, body)).toEqual({ httpStatus: 503, checks });
  });

  it('makes no report of an answer that names no checks', () => {
    expect(readinessReportOf(503, '<html>Service Unavailable</html>')).toBeUndefined();
    expect(
      readinessReportOf(503, { code: 'SERVICE_UNAVAILABLE', title: 'The service is unavailable' }),
    ).toBeUndefined();
    expect(readinessReportOf(503, { checks: { redis: 'down' } })).toBeUndefined();
    expect(readinessReportOf(500, { checks: { redis: { status: 'down' } } })).toBeUndefined();
    expect(readinessReportOf(200, null)).toBeUndefined();
  });
});
