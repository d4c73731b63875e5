import { DataSource } from 'typeorm';
import { Env, validateEnv } from '../../src/shared/config';
import {
  buildDataSourceOptions,
  createDatabaseIfMissing,
  dropDatabase,
  splitDatabaseUrl,
} from '../../src/shared/database';
import { siblingDatabaseUrl } from './test-env';

/** Creates the database of `env` if it is missing and applies every pending migration. */
export async function createMigratedDatabase(env: Env): Promise<void> {
  await createDatabaseIfMissing(env.DATABASE_URL);
  const dataSource = new DataSource(buildDataSourceOptions(env));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** A database URL on the run's server whose database does not exist yet; `drop` removes it if it came to be. */
export function freshDatabase(label: string): { url: string; name: string; drop(): Promise<void> } {
  const databaseUrl = siblingDatabaseUrl(label);
  return { url: databaseUrl, name: splitDatabaseUrl(databaseUrl).database, drop: () => dropDatabase(databaseUrl) };
}

export interface IsolatedDatabase {
  /** The environment overrides that point an app (or the seed) at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A database of its own, migrated, beside the run's shared one, for tests whose writes
 * would change what other test files see while they run in parallel (a GLOBAL pricing
 * rule changes every quote; a purge with a one-second TTL deletes everyone's keys).
 */
export async function createIsolatedDatabase(label: string): Promise<IsolatedDatabase> {
  const database = freshDatabase(label);
  await createMigratedDatabase(validateEnv({ ...process.env, DATABASE_URL: database.url }));
  return { env: { DATABASE_URL: database.url }, drop: database.drop };
}

/** Starts `start` on a database of its own (see createIsolatedDatabase); its `close()` drops the database too. */
export async function onIsolatedDatabase<T extends { close(): Promise<void> }>(
  label: string,
  start: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const database = await createIsolatedDatabase(label);
  const started = await start(database.env);
  return {
    ...started,
    close: async () => {
      await started.close();
      await database.drop();
    },
  };
}
