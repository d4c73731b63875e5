import { Client } from 'pg';
import {
  LEDGER_REASON_OF_CLOSING,
  ledgerReasonOfClosingSql,
} from '../../src/inventory/reservations/reservation-closing';
import { stockStateOf, stockStateSql } from '../../src/inventory/stock/stock-state';

/**
 * The inventory rules that set-based statements evaluate in PostgreSQL have their SQL form
 * beside the TypeScript one; here PostgreSQL itself evaluates the SQL form, so the two
 * cannot drift apart.
 */
describe('inventory rules in SQL', () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
  });

  it('gives the stock state stockStateOf gives, at every boundary', async () => {
    const cases: [number, number][] = [];
    for (const threshold of [0, 1, 5]) {
      for (const available of [-3, -1, 0, 1, threshold - 1, threshold, threshold + 1, 100]) {
        cases.push([available, threshold]);
      }
    }

    const { rows } = await db.query<{ available: number; threshold: number; state: string }>(
      `SELECT available, threshold, ${stockStateSql('available', 'threshold')} AS state
         FROM unnest($1::int[], $2::int[]) AS c(available, threshold)`,
      [cases.map(([available]) => available), cases.map(([, threshold]) => threshold)],
    );

    expect(rows).toHaveLength(cases.length);
    for (const row of rows) {
      expect({ ...row, state: row.state }).toEqual({ ...row, state: stockStateOf(row.available, row.threshold) });
    }
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(['OUT_OF_STOCK', 'LOW_STOCK', 'IN_STOCK']));
  });

  it('records each way a reservation closes under the ledger reason LEDGER_REASON_OF_CLOSING names', async () => {
    const statuses = Object.keys(LEDGER_REASON_OF_CLOSING);

    const { rows } = await db.query<{ status: keyof typeof LEDGER_REASON_OF_CLOSING; reason: string }>(
      `SELECT status, ${ledgerReasonOfClosingSql('status')} AS reason FROM unnest($1::varchar[]) AS s(status)`,
      [statuses],
    );

    expect(rows).toEqual(statuses.map((status) => ({ status, reason: LEDGER_REASON_OF_CLOSING[status as never] })));
    expect(rows.map((row) => row.reason)).toEqual(['SALE', 'CANCEL', 'EXPIRE']);
  });
});
