import { DEVELOPMENT_JWT_SECRET, validateEnv } from './env';

describe(validateEnv.name, () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/commerce',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RESERVATION_TTL_SECONDS: 300,
      CURRENCY: 'USD',
      QUEUE_PREFIX: 'bull',
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: 600,
      RATE_LIMIT_CART_PER_MINUTE: 60,
      RATE_LIMIT_KEY_PREFIX: 'rate-limit',
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
    });
    expect(env.jwtSecret).toBe(DEVELOPMENT_JWT_SECRET);
    expect(env.usesDevelopmentJwtSecret).toBe(true);
    expect(env.migrationsRun).toBe(true);
  });

  it('converts numbers and booleans from strings', () => {
    const env = validateEnv({ PORT: '8080', RATE_LIMIT_PER_MINUTE: '0', MIGRATIONS_RUN: 'false' });
    expect(env.PORT).toBe(8080);
    expect(env.RATE_LIMIT_PER_MINUTE).toBe(0);
    expect(env.migrationsRun).toBe(false);
  });

  it('keeps the rate-limit counters beside the queues unless told otherwise', () => {
    expect(validateEnv({ REDIS_URL: 'redis://queues:6379' }).rateLimitRedisUrl).toBe('redis://queues:6379');
    expect(validateEnv({ RATE_LIMIT_REDIS_URL: 'redis://limits:6379' }).rateLimitRedisUrl).toBe('redis://limits:6379');
    expect(() => validateEnv({ RATE_LIMIT_REDIS_URL: 'http://limits' })).toThrow('RATE_LIMIT_REDIS_URL');
  });

  it('takes a role, and defaults to doing everything', () => {
    expect(validateEnv({})).toMatchObject({ APP_ROLE: 'all', processesJobs: true, servesApi: true });
    expect(validateEnv({ APP_ROLE: 'api' })).toMatchObject({ processesJobs: false, servesApi: true });
    expect(validateEnv({ APP_ROLE: 'worker' })).toMatchObject({ processesJobs: true, servesApi: false });
    expect(() => validateEnv({ APP_ROLE: 'both' })).toThrow('APP_ROLE');
  });

  it('asks for a hash-tag queue prefix on a Redis Cluster', () => {
    expect(validateEnv({ QUEUE_PREFIX: '{shop}' }).QUEUE_PREFIX).toBe('{shop}');
    expect(validateEnv({ QUEUE_PREFIX: '{shop}:run-1' }).QUEUE_PREFIX).toBe('{shop}:run-1');
    expect(validateEnv({ REDIS_CLUSTER_NODES: 'redis-1:6379,redis-2:6379', QUEUE_PREFIX: '{bull}' })).toMatchObject({
      REDIS_CLUSTER_NODES: 'redis-1:6379,redis-2:6379',
    });
    expect(() => validateEnv({ REDIS_CLUSTER_NODES: 'redis-1:6379' })).toThrow('QUEUE_PREFIX must be a hash tag');
    expect(() => validateEnv({ REDIS_CLUSTER_NODES: 'redis-1', QUEUE_PREFIX: '{bull}' })).toThrow(
      'REDIS_CLUSTER_NODES',
    );
    expect(() => validateEnv({ QUEUE_PREFIX: '{unclosed' })).toThrow('QUEUE_PREFIX');
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => validateEnv({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' })).toThrow(
      'HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS',
    );
  });

  it('does not run migrations by default in production', () => {
    const env = validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
    expect(env.migrationsRun).toBe(false);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      'Invalid configuration: JWT_SECRET is required when NODE_ENV=production',
    );
  });

  it('refuses a JWT secret shorter than 32 characters', () => {
    expect(() => validateEnv({ JWT_SECRET: 'short' })).toThrow('JWT_SECRET must be at least 32 characters');
  });

  it('names every bad value in one line', () => {
    let message = '';
    try {
      validateEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CURRENCY: 'usd', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^Invalid configuration: /);
    for (const name of ['PORT', 'DATABASE_URL', 'CURRENCY', 'LOG_LEVEL']) {
      expect(message).toContain(name);
    }
  });

  it.each([
    ['', null],
    ['*', '*'],
    ['https://shop.example', ['https://shop.example']],
    ['https://a.example,http://localhost:5173', ['https://a.example', 'http://localhost:5173']],
  ])('reads CORS_ORIGINS %p as %p', (value, origins) => {
    expect(validateEnv({ CORS_ORIGINS: value }).corsOrigins).toEqual(origins);
  });

  it.each(['shop.example', 'https://a.example, https://b.example', 'ftp://x'])('refuses CORS_ORIGINS %p', (value) => {
    expect(() => validateEnv({ CORS_ORIGINS: value })).toThrow('CORS_ORIGINS');
  });

  it('ignores variables it does not know', () => {
    expect(() => validateEnv({ PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });
});
