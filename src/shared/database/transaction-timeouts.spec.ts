import { timeoutsNotInForce, transactionStartSql } from './transaction-timeouts';

const TIMEOUTS = { statementMs: 10_000, lockMs: 1_000, idleInTransactionMs: 10_000 };

describe('transaction timeouts', () => {
  it('opens a transaction with its bounds set for that transaction only', () => {
    expect(transactionStartSql(TIMEOUTS)).toBe(
      'START TRANSACTION; SET LOCAL statement_timeout = 10000; SET LOCAL lock_timeout = 1000; ' +
        'SET LOCAL idle_in_transaction_session_timeout = 10000',
    );
  });

  it('refuses a bound that is not a whole number of milliseconds', () => {
    expect(() => transactionStartSql({ ...TIMEOUTS, lockMs: 1.5 })).toThrow('Invalid timeout');
  });

  it('names each configured bound PostgreSQL does not apply', () => {
    const effective = [
      { name: 'statement_timeout', ms: 10_000 },
      { name: 'lock_timeout', ms: 0 },
    ];
    expect(timeoutsNotInForce(effective, TIMEOUTS)).toEqual([
      'lock_timeout: 0 ms (configured 1000 ms)',
      'idle_in_transaction_session_timeout: unknown ms (configured 10000 ms)',
    ]);
  });
});
