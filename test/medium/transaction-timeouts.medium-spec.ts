import { EFFECTIVE_TIMEOUTS_SQL } from '../../src/shared/database';
import { MediumContext, startMediumContext } from '../support/medium';
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
    t = await startMediumContext({
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

  it('leave the connection as they found it: nothing is set for the session or at connect', async () => {
    const runner = t.dataSource.createQueryRunner('master');
    try {
      await runner.startTransaction();
      await runner.commitTransaction();
      // The same connection, after its transaction: the server's defaults again.
      const after: Effective = await runner.query(EFFECTIVE_TIMEOUTS_SQL);
      expect(byName(after)).toEqual({ lock_timeout: 0, statement_timeout: 0, idle_in_transaction_session_timeout: 0 });
    } finally {
      await runner.release();
    }
  });
});
