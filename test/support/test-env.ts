import { randomBytes } from 'node:crypto';
import { validateEnv } from '../../src/shared/config';
import { splitDatabaseUrl, withDatabaseName } from '../../src/shared/database';

/**
 * Settings of one test run: its own database and Redis key prefix, so concurrent runs
 * (or a developer's running service) never see each other's data.
 */
export function testRunEnv(baseDatabaseUrl: string): Record<string, string> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return {
    NODE_ENV: 'test',
    DATABASE_URL: withDatabaseName(baseDatabaseUrl, `commerce_test_${runId}`),
    QUEUE_PREFIX: `test_${runId}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_CART_PER_MINUTE: '0',
    // Under the run's queue prefix, so the teardown deletes the counters with the queues.
    RATE_LIMIT_KEY_PREFIX: `test_${runId}:rate-limit`,
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  };
}

/** The URL of a database beside the run's own, on its server, named after the run's and `label`. */
export function siblingDatabaseUrl(label: string): string {
  const runUrl = validateEnv(process.env).DATABASE_URL;
  const name = `${splitDatabaseUrl(runUrl).database}_${label}_${randomBytes(3).toString('hex')}`;
  return withDatabaseName(runUrl, name);
}
