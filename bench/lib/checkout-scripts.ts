import { INSERT_RESERVATION_SQL } from '../../src/inventory/reservations/reservation.repository';

/**
 * The pgbench scripts behind the checkout scenarios' physical limit: what a checkout must
 * do in PostgreSQL and nothing else. Lock the lines' stock rows in ascending order, then
 * run the app's own reservation statement (reservation, items, counters, ledger), commit.
 * The statement is the app's, with its parameters written as pgbench expressions, so
 * the limit follows any change to it.
 */

/** One line on `:variant` (pgbench -D variant=...). */
export function hotCheckoutScript(): string {
  return checkoutScript([], [':variant']);
}

/** Three lines on distinct variants, one from each third of the range (pgbench -D first=... third=...). */
export function spreadCheckoutScript(): string {
  return checkoutScript(
    [
      '\\set a :first + random(0, :third - 1)',
      '\\set b :first + :third + random(0, :third - 1)',
      '\\set c :first + 2 * :third + random(0, :third - 1)',
    ],
    [':a', ':b', ':c'],
  );
}

const UNIT_PRICE_MINOR = 1000;

function checkoutScript(setup: string[], variants: string[]): string {
  const each = (value: string) => variants.map(() => value).join(', ');
  const parameters: Record<number, string> = {
    // Unique per transaction, and the same value wherever the statement repeats it.
    1: `md5(:client_id::text || '-' || :tx::text)::uuid`,
    2: `'pgbench-' || :client_id`,
    3: 'NULL',
    4: `'USD'`,
    5: String(UNIT_PRICE_MINOR * variants.length),
    6: '86400',
    7: `ARRAY[${variants.map((variant) => `${variant}::int`).join(', ')}]`,
    8: `ARRAY[${each(`'PGBENCH'`)}]`,
    9: `ARRAY[${each('1')}]`,
    10: `ARRAY[${each(String(UNIT_PRICE_MINOR))}]`,
    11: '86400',
  };
  const insert = INSERT_RESERVATION_SQL.replace(/\$(\d+)\b/g, (_match, index: string) => {
    const value = parameters[Number(index)];
    if (value === undefined) throw new Error(`No pgbench value for parameter $${index} of the reservation statement`);
    return `(${value})`;
  });
  return [
    ...setup,
    '\\set tx random(1, 1000000000000)',
    'BEGIN;',
    `SELECT on_hand, reserved FROM stock_levels WHERE variant_id IN (${variants.join(', ')}) ORDER BY variant_id FOR UPDATE;`,
    // pgbench reads one line per SQL command unless it ends with a semicolon: keep the statement whole.
    `${insert.replace(/\s*\n\s*/g, ' ')};`,
    'COMMIT;',
    '',
  ].join('\n');
}
