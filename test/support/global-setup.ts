import 'reflect-metadata';
import { validateEnv } from '../../src/shared/config';
import { createMigratedDatabase } from './test-database';
import { testRunEnv } from './test-env';

/** Creates this run's database and applies every migration once, before any test file. */
export default async function globalSetup(): Promise<void> {
  const runEnv = testRunEnv(process.env.DATABASE_URL ?? validateEnv({}).DATABASE_URL);
  // Workers are started after this and inherit the environment.
  Object.assign(process.env, runEnv);
  await createMigratedDatabase(validateEnv(process.env));
}
