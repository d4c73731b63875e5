import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { Env } from '../config';
import { AfterCommitSubscriber } from './after-commit';

type DatabaseEnv = Pick<Env, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>;

/**
 * The one DataSource definition, shared by the app and the TypeORM CLI. Entities and
 * migrations are found by file name, so the same options work from src (ts-jest) and
 * from dist (compiled).
 */
export function buildDataSourceOptions(env: DatabaseEnv): DataSourceOptions {
  const srcRoot = join(__dirname, '..', '..');
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    entities: [join(srcRoot, '**', '*.entity.{ts,js}')],
    migrations: [join(srcRoot, '..', 'migrations', '*.{ts,js}')],
    subscribers: [AfterCommitSubscriber],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: 'commerce-api',
    extra: { max: env.DATABASE_POOL_SIZE },
  };
}
