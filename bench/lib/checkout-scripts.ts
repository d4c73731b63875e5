import { DataSource } from 'typeorm';
import {
  CUSTOMER_LOCK_SQL,
  CUSTOMER_RESERVATIONS_LOCK,
  RESERVATION_INSERT_PARAMETERS,
  reservationInsertSql,
} from '../../src/inventory/reservations/reservation.repository';
import { OVERDUE_RELEASE_LIMIT } from '../../src/inventory/reservations/reservations.service';
import { reserveLockStatement } from '../../src/inventory/stock/stock.repository';
import { insertEventsSql } from '../../src/outbox/outbox.repository';
import { eventsWithinStatement } from '../../src/outbox/outbox.service';
import { buildDataSourceOptions } from '../../src/shared/database';

/**
 * The pgbench scripts behind the checkout scenarios' physical limit: the transaction a
 * checkout runs in PostgreSQL, and nothing else. It sends the app's own statements, with
 * their parameters written as pgbench expressions, so the limit follows any change to them:
 * the customer's advisory lock; the stock lock (TypeORM's `pessimistic_write` query, with
 * the overdue holds, the customer's holds and purchase-limit exposure); the reservation
 * with its items, counters, ledger rows and outbox events; COMMIT. Two things a checkout
 * also does are left out: the cart's UPDATE of its own row (pgbench has no carts), and the
 * relays' wake, which under load goes out from one transaction in many (see RelayWakeups).
 */
export interface CheckoutScripts {
  /** One line on `:variant` (pgbench -D variant=...). */
  hot: string;
  /** Three lines on distinct variants, one from each third of the range (pgbench -D first=... third=...). */
  spread: string;
}

const UNIT_PRICE_MINOR = 1000;

/** Writes the scripts; the stock lock's SQL comes from TypeORM's metadata of the bench database's schema. */
export async function checkoutScripts(databaseUrl: string): Promise<CheckoutScripts> {
  const dataSource = await new DataSource(
    buildDataSourceOptions({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: 1 }),
  ).initialize();
  try {
    const lock = reserveLockStatement(() => dataSource).compiled();
    const script = (setup: string[], variants: string[]) => checkoutScript(lock, setup, variants);
    return {
      hot: script([], [':variant']),
      spread: script(
        [
          '\\set a :first + random(0, :third - 1)',
          '\\set b :first + :third + random(0, :third - 1)',
          '\\set c :first + 2 * :third + random(0, :third - 1)',
        ],
        [':a', ':b', ':c'],
      ),
    };
  } finally {
    await dataSource.destroy();
  }
}

function checkoutScript(lock: { sql: string; order: string[] }, setup: string[], variants: string[]): string {
  const each = (value: string) => `ARRAY[${variants.map(() => value).join(', ')}]`;
  // Unique per transaction, as every checkout is a customer's own.
  const reservationId = `md5(:client_id::text || '-' || :tx::text)::uuid`;
  // Typed, since jsonb_build_object takes values of any type and cannot infer one.
  const customer = `'pgbench-' || :client_id::text || '-' || :tx::text`;
  const variantIds = `ARRAY[${variants.map((variant) => `${variant}::int`).join(', ')}]`;
  const lockValues: Record<string, string> = {
    ids: variantIds,
    overdueLimit: String(OVERDUE_RELEASE_LIMIT),
    ownerId: customer,
  };

  // The checkout's events: stock.changed per line, then reservation.created.
  const first = RESERVATION_INSERT_PARAMETERS + 1;
  const events = eventsWithinStatement(insertEventsSql([], first), first, null);
  const reservation: Record<number, string> = {
    1: reservationId,
    2: customer,
    3: 'NULL',
    4: `'USD'`,
    5: String(UNIT_PRICE_MINOR * variants.length),
    6: '86400',
    7: variantIds,
    8: each(`'PGBENCH'`),
    9: each('1'),
    10: each(String(UNIT_PRICE_MINOR)),
    11: '86400',
    [first]: `ARRAY[${[...variants, 'reservation'].map(() => 'gen_random_uuid()').join(', ')}]`,
    [first + 1]: `ARRAY[${[...variants.map(() => `'stock.changed'`), `'reservation.created'`].join(', ')}]::varchar[]`,
    [first + 2]: `ARRAY[${[...variants.map(() => `'stock'`), `'reservation'`].join(', ')}]::varchar[]`,
    [first + 3]:
      `ARRAY[${[...variants.map((variant) => `${variant}::text`), `${reservationId}::text`].join(', ')}]::varchar[]`,
    // Payloads of the app's size, built without JSON text (pgbench would read its colons as variables).
    [first + 4]: `ARRAY[${[
      ...variants.map(
        (variant) =>
          `jsonb_build_object('variantId', ${variant}::int, 'onHand', 100, 'reserved', 1, 'available', 99, 'state', 'IN_STOCK', 'cause', 'RESERVE')`,
      ),
      `jsonb_build_object('reservationId', ${reservationId}, 'status', 'ACTIVE', 'customerId', ${customer}, 'ownerRef', NULL,
         'expiresAt', now() + interval '5 minutes', 'extendedCount', 0, 'closedAt', NULL, 'total', '10.00', 'currency', 'USD',
         'items', jsonb_build_array(${variants.map((variant) => `jsonb_build_object('variantId', ${variant}::int, 'quantity', 1)`).join(', ')}))`,
    ].join(', ')}]`,
  };
  return [
    ...setup,
    '\\set tx random(1, 1000000000000)',
    'BEGIN;',
    statement(CUSTOMER_LOCK_SQL, { 1: String(CUSTOMER_RESERVATIONS_LOCK), 2: customer }),
    statement(lock.sql, Object.fromEntries(lock.order.map((name, index) => [index + 1, lockValues[name]]))),
    statement(reservationInsertSql(events), reservation),
    'COMMIT;',
    '',
  ].join('\n');
}

/** The statement on one line (pgbench reads a line per command unless it ends with a semicolon), its `$n` replaced. */
function statement(sql: string, values: Record<number, string>): string {
  const text = sql.replace(/\$(\d+)\b/g, (_match, index: string) => {
    const value = values[Number(index)];
    if (value === undefined) throw new Error(`No pgbench value for parameter $${index} of:\n${sql}`);
    return `(${value})`;
  });
  return `${text.replace(/\s*\n\s*/g, ' ')};`;
}
