import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** The bounds every transaction runs under, in milliseconds. */
export interface TransactionTimeouts {
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

/** What TypeORM sends to open every outermost transaction (savepoints aside). */
export const TRANSACTION_START = 'START TRANSACTION';

/**
 * The settings behind "one locked row never stalls the rest", as PostgreSQL reports them
 * inside a transaction (pg_settings gives milliseconds, whatever unit they were set in).
 */
export const EFFECTIVE_TIMEOUTS_SQL =
  `SELECT name, setting::int AS ms FROM pg_settings ` +
  `WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout')`;

/** A bound as SQL literal: whole milliseconds, 0 for none. */
function ms(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Invalid timeout: ${value}`);
  return value;
}

/**
 * The statement that opens a transaction with its bounds set for that transaction only.
 * `SET LOCAL` rather than startup parameters or session `SET`: behind a pooler in
 * transaction mode (PgBouncer) a connection is shared between clients from one
 * transaction to the next, so the only state that is surely ours is the transaction's.
 * One simple-protocol string, so it costs the round trip the BEGIN cost anyway.
 */
export function transactionStartSql(timeouts: TransactionTimeouts): string {
  return [
    TRANSACTION_START,
    `SET LOCAL statement_timeout = ${ms(timeouts.statementMs)}`,
    `SET LOCAL lock_timeout = ${ms(timeouts.lockMs)}`,
    `SET LOCAL idle_in_transaction_session_timeout = ${ms(timeouts.idleInTransactionMs)}`,
  ].join('; ');
}

/**
 * A node-postgres Client class whose transactions open with `timeouts` in force: the
 * pools are built with it, so every transaction TypeORM begins (and only those) carries
 * them, whoever began it.
 */
export function clientWithTransactionTimeouts(timeouts: TransactionTimeouts): typeof Client {
  const start = transactionStartSql(timeouts);
  return class TimedTransactionsClient extends Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-postgres's query has many overloads; this passes them all through
    override query(config: unknown, ...rest: unknown[]): any {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as (...args: unknown[]) => any)(config === TRANSACTION_START ? start : config, ...rest);
    }
  };
}

/** The configured timeouts PostgreSQL does not apply inside a transaction, as "name: effective (configured)". */
export function timeoutsNotInForce(
  effective: readonly { name: string; ms: number }[],
  timeouts: TransactionTimeouts,
): string[] {
  const configured: Record<string, number> = {
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  };
  return Object.entries(configured)
    .filter(([name, ms]) => effective.find((row) => row.name === name)?.ms !== ms)
    .map(
      ([name, ms]) =>
        `${name}: ${effective.find((row) => row.name === name)?.ms ?? 'unknown'} ms (configured ${ms} ms)`,
    );
}

/**
 * Fails start-up when a transaction begun the way the service begins them does not run
 * under the configured bounds (an ORM upgrade that opens transactions differently, a
 * pooler that rewrites them): better no instance than one whose locks wait forever.
 */
export async function assertTransactionTimeoutsInForce(
  dataSource: DataSource,
  timeouts: TransactionTimeouts,
): Promise<void> {
  const effective: { name: string; ms: number }[] = await dataSource.transaction((tx) =>
    tx.query(EFFECTIVE_TIMEOUTS_SQL),
  );
  const missing = timeoutsNotInForce(effective, timeouts);
  if (missing.length > 0)
    throw new Error(`Transactions do not run under the configured timeouts: ${missing.join('; ')}`);
}

/** What tools (migrations, the CLI) run under: no bound, whatever the role's defaults say. */
export const NO_TIMEOUTS: TransactionTimeouts = { statementMs: 0, lockMs: 0, idleInTransactionMs: 0 };

/**
 * Makes the statement and lock bounds the defaults of the service's role in its database,
 * so that a statement outside a transaction (a single UPDATE, a catalog read) is bounded
 * too: the server applies them to every new session of the role, through any pooler, with
 * no startup parameter and no session SET. The idle-in-transaction bound stays per
 * transaction: only a transaction can sit idle, and an operator's session of the same role
 * should not be cut off for it. Run before the pools open. Sessions opened earlier (a
 * pooler's server connections) keep their old defaults until they are recycled. A role not
 * allowed to change its defaults is told to the operator (docs/deployment.md); transactions
 * carry their own bounds either way.
 */
export async function applyRoleTimeouts(
  databaseUrl: string,
  timeouts: TransactionTimeouts,
  log: { warn(details: Record<string, unknown>, message: string): void },
): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'commerce-api-setup' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [{ database }] = (await client.query<{ database: string }>('SELECT current_database() AS database')).rows;
    const scope = `ALTER ROLE CURRENT_USER IN DATABASE "${database.replace(/"/g, '""')}" SET`;
    await client.query(
      [
        `${scope} statement_timeout = ${ms(timeouts.statementMs)}`,
        `${scope} lock_timeout = ${ms(timeouts.lockMs)}`,
      ].join('; '),
    );
  } catch (error) {
    log.warn(
      { err: error },
      'Could not make the timeouts the role defaults; statements outside transactions are bounded only by what the operator set',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
