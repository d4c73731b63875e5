import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from '../../src/shared/config';
import { buildDataSourceOptions, createDatabaseIfMissing } from '../../src/shared/database';
import { testRunEnv } from './test-env';

/** Creates this run's database and applies every migration once, before any test file. */
export default async function globalSetup(): Promise<void> {
  const runEnv = testRunEnv(process.env.DATABASE_URL ?? validateEnv({}).DATABASE_URL);
  // Workers are started after this and inherit the environment.
  Object.assign(process.env, runEnv);
  const env = validateEnv(process.env);
  await createDatabaseIfMissing(env.DATABASE_URL);
  const dataSource = new DataSource(buildDataSourceOptions(env));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
