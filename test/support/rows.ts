import type { components } from '../../console/src/api/schema';
import { Customer } from './customer.factory';
import { Harness } from './test-app';

/**
 * Reads of the database beside the API or the services: what a test asserts about the
 * rows themselves (or about rows the API no longer shows, such as a deleted variant's
 * stock). Rows keep the tables' snake_case column names.
 */
type Database = Pick<Harness, 'dataSource'>;
type Owner = Customer | string;

const ownerId = (owner: Owner) => (typeof owner === 'string' ? owner : owner.sub);

export interface StockLevel {
  variantId: number;
  onHand: number;
  reserved: number;
  available: number;
}

/**
 * The counters of a variant's stock row, read from the table, in the shape of the
 * counters GET /api/inventory/:variantId answers; undefined when it has none.
 */
export async function findStockRow(t: Database, variantId: number): Promise<StockLevel | undefined> {
  const [row] = await t.dataSource.query('SELECT on_hand, reserved FROM stock_levels WHERE variant_id = $1', [
    variantId,
  ]);
  if (!row) return undefined;
  return { variantId, onHand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved };
}

/**
 * The counters of a variant's stock row, read from the table, also of a deleted variant
 * (which the API no longer shows); throws when it has none. Over HTTP see fetchStockLevel.
 */
export async function stockRowOf(t: Database, variantId: number): Promise<StockLevel> {
  const level = await findStockRow(t, variantId);
  if (!level) throw new Error(`variant ${variantId} has no stock row`);
  return level;
}

/** The version of a variant's stock row: what its ETag carries, and what every write raises. */
export async function stockVersionOf(t: Database, variantId: number): Promise<number> {
  const [row] = await t.dataSource.query('SELECT version::int AS version FROM stock_levels WHERE variant_id = $1', [
    variantId,
  ]);
  if (!row) throw new Error(`variant ${variantId} has no stock row`);
  return row.version;
}

/** A stock movement as GET /api/inventory/:variantId/movements answers it. */
export type LedgerRow = components['schemas']['StockMovementDto'];

/** The stock movements of a variant, oldest first, in the shape of the movements route's items. */
export function ledgerRowsOf(t: Database, variantId: number): Promise<LedgerRow[]> {
  return t.dataSource.query(
    `SELECT id::int AS "id", variant_id AS "variantId", location_code AS "location", reason, delta, reserved_delta AS "reservedDelta",
            on_hand_after AS "onHandAfter", reserved_after AS "reservedAfter", reservation_id AS "reservationId",
            actor, note, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
       FROM stock_movements WHERE variant_id = $1 ORDER BY id`,
    [variantId],
  );
}

/** Stock rows and ledgers of the variants, to show that a refused call changed nothing. */
export function rowSnapshotsOf(t: Database, ...variants: { id: number }[]) {
  return Promise.all(
    variants.map(async (variant) => ({
      stock: await findStockRow(t, variant.id),
      ledger: await ledgerRowsOf(t, variant.id),
    })),
  );
}

/**
 * A variant's stock counters, version and ledger, read from the tables: what the HTTP
 * snapshot (snapshotOf: counters, ETag, movements) shows, for a refused stock write.
 */
export async function versionedSnapshotOf(t: Database, variant: { id: number }) {
  return {
    stock: await stockRowOf(t, variant.id),
    version: await stockVersionOf(t, variant.id),
    ledger: await ledgerRowsOf(t, variant.id),
  };
}

/** A reservation's status as stored (undefined when there is none), read without the API, whose GET expires an overdue one itself. */
export async function reservationStatusOf(t: Database, reservationId: string): Promise<string | undefined> {
  const [row] = await t.dataSource.query('SELECT status FROM reservations WHERE id = $1', [reservationId]);
  return row?.status;
}

/** The reservations an owner holds, of any status, newest first. */
export function reservationsOf(
  t: Database,
  owner: Owner,
): Promise<{ id: string; status: string; owner_ref: string | null }[]> {
  return t.dataSource.query(
    'SELECT id, status, owner_ref FROM reservations WHERE owner_id = $1 ORDER BY created_at DESC',
    [ownerId(owner)],
  );
}

/** How many reservations, of any status, the owners hold. */
export async function reservationCountOf(t: Database, owners: readonly Owner[]): Promise<number> {
  const [{ count }] = await t.dataSource.query(
    'SELECT count(*)::int AS count FROM reservations WHERE owner_id = ANY($1)',
    [owners.map(ownerId)],
  );
  return count as number;
}

/** The ACTIVE reservations holding units of the variant, with the units each holds. */
export function activeReservationsOf(t: Database, variantId: number): Promise<{ id: string; quantity: number }[]> {
  return t.dataSource.query(
    `SELECT r.id, i.quantity FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
      WHERE i.variant_id = $1 AND r.status = 'ACTIVE'`,
    [variantId],
  );
}

export interface CartRow {
  id: string;
  status: string;
  reservation_id: string | null;
  checked_out_at: Date | null;
}

/** Every cart of the customer, whatever its status, oldest first. */
export function cartRowsOf(t: Database, customer: Customer): Promise<CartRow[]> {
  return t.dataSource.query(
    'SELECT id, status, reservation_id, checked_out_at FROM carts WHERE customer_id = $1 ORDER BY created_at, id',
    [customer.sub],
  );
}

/** The CHECKED_OUT carts of the customers, with whose each is and the reservation it points at. */
export function checkedOutCartsOf(
  t: Database,
  customers: readonly Customer[],
): Promise<{ customer_id: string; id: string; reservation_id: string }[]> {
  return t.dataSource.query(
    `SELECT customer_id, id, reservation_id FROM carts WHERE customer_id = ANY($1) AND status = 'CHECKED_OUT'`,
    [customers.map((customer) => customer.sub)],
  );
}

/** The id and status of each of the customer's carts, oldest first. */
export async function cartStatusesOf(t: Database, customer: Customer): Promise<{ id: string; status: string }[]> {
  return (await cartRowsOf(t, customer)).map(({ id, status }) => ({ id, status }));
}

/** The customer's ACTIVE carts: at most one, whatever raced. */
export async function activeCartsOf(t: Database, customer: Customer): Promise<{ id: string }[]> {
  return (await cartRowsOf(t, customer)).filter((cart) => cart.status === 'ACTIVE').map(({ id }) => ({ id }));
}

/** The Idempotency-Keys stored for the customer, in the order they were created, live or expired. */
export function idempotencyKeysOf(
  t: Database,
  customer: Customer,
): Promise<{ key: string; response_status: number | null }[]> {
  return t.dataSource.query(
    'SELECT key, response_status FROM idempotency_keys WHERE customer_id = $1 ORDER BY created_at, key',
    [customer.sub],
  );
}

/** Row counts and the latest change of everything the seed writes. */
export async function seededTotals(t: Database): Promise<Record<string, unknown>> {
  const [totals] = await t.dataSource.query(
    `SELECT (SELECT count(*) FROM categories) AS categories, (SELECT count(*) FROM products) AS products,
            (SELECT count(*) FROM variants) AS variants, (SELECT count(*) FROM pricing_rules) AS rules,
            (SELECT max(updated_at) FROM pricing_rules) AS rules_updated,
            (SELECT max(updated_at) FROM products) AS products_updated,
            (SELECT max(updated_at) FROM variants) AS variants_updated`,
  );
  return totals;
}

/** What makes the demo catalog a demo: its size, scarce and sold-out variants, rule kinds and category depth. */
export async function demoCatalogShape(t: Database): Promise<{
  products: number;
  variants: number;
  scarce: number;
  sold_out: number;
  rule_kinds: number;
  depth: number;
}> {
  const [shape] = await t.dataSource.query(
    `SELECT (SELECT count(*)::int FROM products) AS products,
            (SELECT count(*)::int FROM variants) AS variants,
            (SELECT count(*)::int FROM stock_levels WHERE on_hand BETWEEN 1 AND 3) AS scarce,
            (SELECT count(*)::int FROM variants v LEFT JOIN stock_levels s ON s.variant_id = v.id
              WHERE COALESCE(s.on_hand, 0) = 0) AS sold_out,
            (SELECT count(DISTINCT kind)::int FROM pricing_rules) AS rule_kinds,
            (SELECT max(depth)::int FROM (WITH RECURSIVE tree AS (
               SELECT id, 1 AS depth FROM categories WHERE parent_id IS NULL
               UNION ALL SELECT c.id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id
             ) SELECT depth FROM tree) AS depths) AS depth`,
  );
  return shape;
}

export interface OutboxEventRow {
  type: string;
  payload: Record<string, unknown>;
}

/**
 * The events written to the outbox about one aggregate (e.g. `stock` and a variant id, or
 * `reservation` and its id), in commit order. They are written in the transaction of the
 * change, so a committed change has them and a rolled-back one has none.
 */
export async function outboxEventsOf(
  t: Database,
  aggregateType: string,
  aggregateId: string | number,
  types?: readonly string[],
): Promise<OutboxEventRow[]> {
  const rows: OutboxEventRow[] = await t.dataSource.query(
    `SELECT type, payload FROM outbox_events
      WHERE aggregate_type = $1 AND aggregate_id = $2 AND ($3::text[] IS NULL OR type = ANY($3::text[]))
      ORDER BY seq`,
    [aggregateType, String(aggregateId), types ?? null],
  );
  return rows;
}
