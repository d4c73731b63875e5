import { join } from 'node:path';
import { DatabaseError } from 'pg';
import { DataSource, DataSourceOptions, QueryFailedError } from 'typeorm';
import { Env } from '../config';
import { AfterCommitSubscriber } from './after-commit';
import { clientWithTransactionTimeouts, NO_TIMEOUTS, TransactionTimeouts } from './transaction-timeouts';

type DatabaseEnv = Pick<Env, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>;

type AppDatabaseEnv = DatabaseEnv &
  Pick<
    Env,
    | 'DATABASE_READ_POOL_SIZE'
    | 'DATABASE_ACQUIRE_TIMEOUT_MS'
    | 'DATABASE_LOCK_TIMEOUT_MS'
    | 'DATABASE_STATEMENT_TIMEOUT_MS'
    | 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'
  >;

/**
 * The one DataSource definition, shared by the app and the TypeORM CLI. Entities and
 * migrations are found by file name, so the same options work from src (ts-jest) and
 * from dist (compiled). Tools (migrations, scratch databases) get it without time limits
 * in their transactions, whatever the role's defaults: a migration may rightly run for minutes.
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
    // The role's defaults are the service's bounds (applyRoleTimeouts); a tool's transactions lift them.
    extra: { max: env.DATABASE_POOL_SIZE, Client: clientWithTransactionTimeouts(NO_TIMEOUTS) },
  };
}

/**
 * The service's DataSource: every wait bounded. A request waits at most the acquire
 * timeout for a connection; inside a transaction a statement waits at most the lock
 * timeout for a row lock and runs at most the statement timeout, and PostgreSQL ends a
 * transaction left idle by a stuck process, so one held row can never hold the whole
 * service. The bounds are set per transaction and as the role's defaults for statements
 * outside one (see transaction-timeouts.ts), never as startup parameters or session state,
 * so they hold behind PgBouncer in transaction mode.
 *
 * Plain reads outside transactions (catalog pages, quotes, stock figures) get a small
 * pool of their own through TypeORM's replication mode, pointed at the same server:
 * checkouts queued behind a locked stock row can fill the transaction pool, but not
 * the connections every product page needs.
 */
export function buildAppDataSourceOptions(env: AppDatabaseEnv): DataSourceOptions {
  const base = buildDataSourceOptions(env);
  const extra = {
    max: env.DATABASE_POOL_SIZE,
    connectionTimeoutMillis: env.DATABASE_ACQUIRE_TIMEOUT_MS,
    Client: clientWithTransactionTimeouts(transactionTimeoutsOf(env)),
    // A server that vanished without closing its sockets is noticed by TCP, not never.
    keepAlive: true,
  };
  if (env.DATABASE_READ_POOL_SIZE === 0) return { ...base, extra } as DataSourceOptions;
  const { url: _url, ...rest } = base as DataSourceOptions & { url: string };
  return {
    ...rest,
    extra,
    replication: { master: { url: env.DATABASE_URL }, slaves: [{ url: env.DATABASE_URL }] },
  } as DataSourceOptions;
}

export function transactionTimeoutsOf(
  env: Pick<
    Env,
    'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_LOCK_TIMEOUT_MS' | 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'
  >,
): TransactionTimeouts {
  return {
    statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    lockMs: env.DATABASE_LOCK_TIMEOUT_MS,
    idleInTransactionMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

/** The bounds as configured, for code that reads settings through a ConfigService. */
export function configuredTransactionTimeouts(config: {
  get<K extends keyof Env>(key: K, options: { infer: true }): Env[K];
}): TransactionTimeouts {
  return transactionTimeoutsOf({
    DATABASE_STATEMENT_TIMEOUT_MS: config.get('DATABASE_STATEMENT_TIMEOUT_MS', { infer: true }),
    DATABASE_LOCK_TIMEOUT_MS: config.get('DATABASE_LOCK_TIMEOUT_MS', { infer: true }),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: config.get('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', { infer: true }),
  });
}

interface SizedPool {
  options: { max: number };
}

/**
 * TypeORM gives every pool of a replicated DataSource the same size; the read pool is
 * meant to be smaller. pg-pool reads `options.max` whenever it decides to open a
 * connection, so setting it after initialisation takes effect at once.
 */
export function sizeReadPool(dataSource: DataSource, size: number): void {
  const slaves = (dataSource.driver as unknown as { slaves?: SizedPool[] }).slaves ?? [];
  for (const pool of slaves) pool.options.max = size;
}

/** A pg Pool as TypeORM's PostgreSQL driver holds it. */
interface DriverPool {
  query(sql: string, parameters?: unknown[]): Promise<{ command: string; rows: unknown[]; rowCount: number | null }>;
}

/**
 * Runs a read-only statement on the read pool (when there is one), for raw SQL that
 * TypeORM would otherwise send through the transaction pool. Query builders and
 * repository reads outside a transaction go there by themselves.
 *
 * Straight on the driver's pool rather than through a query runner: a statement outside
 * a transaction needs none of its bookkeeping (subscribers' broadcasts, a runner taken
 * and released), which cost a quote about as much CPU as its engine. The answer and the
 * errors are the ones the query runner gives: rows (`[rows, affected]` for an UPDATE or
 * DELETE), and the server's refusals as QueryFailedError.
 */
export async function queryForRead<T = unknown>(
  dataSource: DataSource,
  sql: string,
  parameters?: unknown[],
): Promise<T> {
  const driver = dataSource.driver as unknown as { master: DriverPool; slaves: DriverPool[] };
  const pool = driver.slaves.length > 0 ? driver.slaves[0] : driver.master;
  try {
    const result = await pool.query(sql, parameters);
    return (
      result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows
    ) as T;
  } catch (error) {
    throw error instanceof DatabaseError ? new QueryFailedError(sql, parameters, error) : error;
  }
}
