import { DataSource, EntityManager } from 'typeorm';
import { queryForRead } from '../shared/database';
import { Money } from '../shared/money';
import { ReservationStatus } from './reservation.entity';

/**
 * The reservation lifecycle's SQL. Each write is one statement that changes the
 * reservation, the stock counters and the ledger together, so the number of round trips
 * inside the lock window stays constant whatever the number of lines.
 */

export interface NewReservation {
  id: string;
  ownerId: string;
  ownerRef: string | null;
  currency: string;
  total: Money;
  ttlSeconds: number;
  lines: { variantId: number; sku: string; quantity: number; unitPrice: Money }[];
}

/** Inserts the reservation and its items, raises `reserved` and writes RESERVE ledger rows. */
export async function insertReservation(
  tx: EntityManager,
  reservation: NewReservation,
): Promise<{ expiresAt: Date; createdAt: Date }> {
  const { lines } = reservation;
  const rows: { expires_at: Date; created_at: Date }[] = await tx.query(
    `WITH reservation AS (
       INSERT INTO reservations (id, owner_id, owner_ref, status, currency, total_minor, expires_at)
       VALUES ($1, $2, $3, 'ACTIVE', $4, $5, now() + make_interval(secs => $6))
       RETURNING expires_at, created_at
     ),
     lines AS (
       SELECT * FROM unnest($7::int[], $8::varchar[], $9::int[], $10::bigint[])
         AS line(variant_id, sku, quantity, unit_price_minor)
     ),
     items AS (
       INSERT INTO reservation_items (reservation_id, variant_id, sku, quantity, unit_price_minor)
       SELECT $1, variant_id, sku, quantity, unit_price_minor FROM lines
     ),
     updated AS (
       UPDATE stock_levels s SET reserved = s.reserved + l.quantity, updated_at = now()
         FROM lines l WHERE s.variant_id = l.variant_id
       RETURNING s.variant_id, s.on_hand, s.reserved, l.quantity
     ),
     ledger AS (
       INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, reservation_id)
       SELECT variant_id, 'RESERVE', 0, quantity, on_hand, reserved, $1 FROM updated ORDER BY variant_id
     )
     SELECT expires_at, created_at FROM reservation`,
    [
      reservation.id,
      reservation.ownerId,
      reservation.ownerRef,
      reservation.currency,
      reservation.total.minor,
      reservation.ttlSeconds,
      lines.map((line) => line.variantId),
      lines.map((line) => line.sku),
      lines.map((line) => line.quantity),
      lines.map((line) => line.unitPrice.minor),
    ],
  );
  return { expiresAt: rows[0].expires_at, createdAt: rows[0].created_at };
}

export type Transition = 'CONFIRM' | 'CANCEL' | 'EXPIRE';

const TARGET_STATUS: Record<Transition, ReservationStatus> = {
  CONFIRM: 'CONFIRMED',
  CANCEL: 'CANCELLED',
  EXPIRE: 'EXPIRED',
};

export interface ClosedReservation {
  id: string;
  status: ReservationStatus;
  owner_id: string;
  owner_ref: string | null;
  expires_at: Date;
  closed_at: Date;
}

/**
 * Moves the ACTIVE reservations among `ids` to their final state and returns their stock:
 * CONFIRMED sells it (on-hand and reserved drop), CANCELLED and EXPIRED release it. The
 * `status = 'ACTIVE'` guard runs under the row lock the UPDATE takes, so of two racing
 * transitions exactly one changes stock. A reservation past its expiry can no longer be
 * confirmed or cancelled: it becomes EXPIRED. EXPIRE touches only overdue reservations.
 * The caller must hold the stock locks of every variant of these reservations.
 */
export async function closeReservations(
  tx: EntityManager,
  ids: readonly string[],
  transition: Transition,
  actor: string | null = null,
): Promise<ClosedReservation[]> {
  if (ids.length === 0) return [];
  return tx.query(
    `WITH closed AS (
       UPDATE reservations
          SET status = CASE WHEN expires_at <= now() THEN 'EXPIRED' ELSE $2::varchar END,
              closed_at = now(), updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' AND ($3::boolean = false OR expires_at <= now())
       RETURNING id, status, owner_id, owner_ref, expires_at, closed_at
     ),
     items AS (
       SELECT i.reservation_id, i.variant_id, i.quantity, c.status,
              CASE WHEN c.status = 'CONFIRMED' THEN -i.quantity ELSE 0 END AS delta
         FROM reservation_items i JOIN closed c ON c.id = i.reservation_id
     ),
     totals AS (
       SELECT variant_id, SUM(delta)::int AS delta, SUM(quantity)::int AS quantity FROM items GROUP BY variant_id
     ),
     updated AS (
       UPDATE stock_levels s SET on_hand = s.on_hand + t.delta, reserved = s.reserved - t.quantity, updated_at = now()
         FROM totals t WHERE s.variant_id = t.variant_id
       RETURNING s.variant_id, s.on_hand, s.reserved
     ),
     ledger AS (
       -- One row per item; the running "after" values replay the items in ledger order.
       INSERT INTO stock_movements
         (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, reservation_id, actor)
       SELECT i.variant_id,
              CASE i.status WHEN 'CONFIRMED' THEN 'SALE' WHEN 'CANCELLED' THEN 'CANCEL' ELSE 'EXPIRE' END,
              i.delta, -i.quantity,
              u.on_hand - COALESCE(SUM(i.delta) OVER later, 0),
              u.reserved + COALESCE(SUM(i.quantity) OVER later, 0),
              i.reservation_id, $4
         FROM items i JOIN updated u ON u.variant_id = i.variant_id
       WINDOW later AS (PARTITION BY i.variant_id ORDER BY i.reservation_id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
       ORDER BY i.variant_id, i.reservation_id
     )
     SELECT id, status, owner_id, owner_ref, expires_at, closed_at FROM closed`,
    [ids, TARGET_STATUS[transition], transition === 'EXPIRE', actor],
  );
}

/** The variants of these reservations (items never change after insert: safe to read before locking). */
export async function variantsOf(manager: EntityManager, reservationIds: readonly string[]): Promise<number[]> {
  if (reservationIds.length === 0) return [];
  const rows: { variant_id: number }[] = await manager.query(
    `SELECT DISTINCT variant_id FROM reservation_items WHERE reservation_id = ANY($1::uuid[])`,
    [reservationIds],
  );
  return rows.map((row) => row.variant_id);
}

/** ACTIVE reservations past their expiry that hold any of the variants, with all their variants. */
export async function findOverdueHolding(
  manager: EntityManager,
  variantIds: readonly number[],
  limit: number,
): Promise<{ id: string; variantIds: number[] }[]> {
  const rows: { id: string; variant_ids: number[] }[] = await manager.query(
    `SELECT r.id, array_agg(i.variant_id) AS variant_ids
       FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
      WHERE r.status = 'ACTIVE' AND r.expires_at <= now()
        AND EXISTS (SELECT 1 FROM reservation_items held
                     WHERE held.reservation_id = r.id AND held.variant_id = ANY($1::int[]))
      GROUP BY r.id
      LIMIT $2`,
    [variantIds, limit],
  );
  return rows.map((row) => ({ id: row.id, variantIds: row.variant_ids }));
}

/** The oldest overdue ACTIVE reservations, for the sweep. */
export async function findOverdue(manager: EntityManager, limit: number): Promise<string[]> {
  const rows: { id: string }[] = await manager.query(
    `SELECT id FROM reservations WHERE status = 'ACTIVE' AND expires_at <= now() ORDER BY expires_at LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

/**
 * ACTIVE reservations more than `graceSeconds` past their expiry: nothing released them
 * (the sweep is not running, or keeps failing). Oldest first, at most `limit`.
 */
export async function findStuck(
  manager: EntityManager,
  graceSeconds: number,
  limit: number,
): Promise<{ reservationId: string; expiresAt: Date }[]> {
  const rows: { id: string; expires_at: Date }[] = await manager.query(
    `SELECT id, expires_at FROM reservations
      WHERE status = 'ACTIVE' AND expires_at < now() - make_interval(secs => $1)
      ORDER BY expires_at LIMIT $2`,
    [graceSeconds, limit],
  );
  return rows.map((row) => ({ reservationId: row.id, expiresAt: row.expires_at }));
}

/** The status of each of these reservations; unknown ids are absent. */
export async function findStatuses(
  dataSource: DataSource,
  reservationIds: readonly string[],
): Promise<Map<string, ReservationStatus>> {
  if (reservationIds.length === 0) return new Map();
  const rows = await queryForRead<{ id: string; status: ReservationStatus }[]>(
    dataSource,
    `SELECT id, status FROM reservations WHERE id = ANY($1::uuid[])`,
    [reservationIds],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}
