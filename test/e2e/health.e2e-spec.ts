import { startTestApp, TestApp } from '../support/test-app';

describe('health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers liveness without a token', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body.status).toBe('ok');
  });

  it('reports PostgreSQL and Redis as up when both answer', async () => {
    const response = await t.http.get('/health/ready').expect(200);
    expect(response.body.info).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('reports not ready, as problem+json, when Redis does not answer', async () => {
    const broken = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const response = await broken.http.get('/health/ready').expect(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(response.body.checks.redis.status).toBe('down');
      expect(response.body.checks.postgres.status).toBe('up');
    } finally {
      await broken.close();
    }
  });
});
