import { EFFECTIVE_TIMEOUTS_SQL } from '../../src/shared/database';
import { MediumContext, startIsolatedMediumContext } from '../support/medium';
import { queuePrefix } from '../support/test-app';

type Effective = { name: string; ms: number }[];

const byName = (rows: Effective) => Object.fromEntries(rows.map((row) => [row.name, row.ms]));

/**
 * The bounds behind "one locked row never stalls the rest" belong to each transaction, not
 * to the connection: behind PgBouncer in transaction mode a connection is another client's
 * after each transaction, so session settings would leak to others or be lost.
 */
describe('transaction timeouts', () => {
  let t: MediumContext;

  beforeAll(async () => {
    // A database of its own: the role's defaults are set per database.
    t = await startIsolatedMediumContext('transaction-timeouts', {
      QUEUE_PREFIX: queuePrefix('transaction-timeouts'),
      DATABASE_LOCK_TIMEOUT_MS: '1234',
      DATABASE_STATEMENT_TIMEOUT_MS: '5678',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '9012',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('are in force in every transaction the service opens', async () => {
    const inside: Effective = await t.dataSource.transaction((tx) => tx.query(EFFECTIVE_TIMEOUTS_SQL));
    expect(byName(inside)).toEqual({
      lock_timeout: 1234,
      statement_timeout: 5678,
      idle_in_transaction_session_timeout: 9012,
    });
  });

  it("bound statements outside a transaction as the role's defaults, never as startup parameters or session state", async () => {
    const runner = t.dataSource.createQueryRunner('master');
    try {
      await runner.startTransaction();
      await runner.commitTransaction();
      // The same connection, after its transaction: the role's defaults in this database,
      // set by the server at session start, not by the client.
      const after: { name: string; ms: number; source: string }[] = await runner.query(
        `SELECT name, setting::int AS ms, source FROM pg_settings
          WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout')`,
      );
      expect(byName(after)).toEqual({
        lock_timeout: 1234,
        statement_timeout: 5678,
        idle_in_transaction_session_timeout: 0,
      });
      expect(Object.fromEntries(after.map((row) => [row.name, row.source]))).toEqual({
        lock_timeout: 'database user',
        statement_timeout: 'database user',
        // Only a transaction can sit idle, and every transaction sets its own.
        idle_in_transaction_session_timeout: 'default',
      });
    } finally {
      await runner.release();
    }
  });
});
