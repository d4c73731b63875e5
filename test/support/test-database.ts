import { DataSource } from 'typeorm';
import { Env } from '../../src/shared/config';
import { buildDataSourceOptions, createDatabaseIfMissing } from '../../src/shared/database';

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
