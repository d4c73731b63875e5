import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlPools } from '../../shared/database';
import { Money } from '../../shared/money';
import { Reservation, ReservationStatus } from './reservation.entity';
import { StockFigures } from '../stock/stock.repository';
import { ClosedStatus, ledgerReasonOfClosingSql } from './reservation-closing';
import type { ReservationView } from './reservation-views';

export interface NewReservation {
  id: string;
  ownerId: string;
  ownerRef: string | null;
  currency: string;
  total: Money;
  ttlSeconds: number;
  maxHoldSeconds: number;
  lines: { variantId: number; sku: string; quantity: number; unitPrice: Money }[];
}

/** A reservation a transition has just closed. */
export interface ClosedReservation {
  id: string;
  status: ReservationStatus;
  ownerId: string;
  ownerRef: string | null;
  expiresAt: Date;
  extendedCount: number;
  closedAt: Date;
}

/** What a closing statement changed: the reservations it closed and the stock rows it moved. */
export interface ClosedReservations {
  closed: ClosedReservation[];
  stock: StockFigures[];
}

/** The status fields the expiry job decides on. */
export type ReservationStatusRow = Pick<Reservation, 'status' | 'expiresAt' | 'extendedCount'>;

/** Namespace of the transaction-scoped advisory locks that serialize one customer's reservations. */
export const CUSTOMER_RESERVATIONS_LOCK = 7301;
/** Takes the lock of one customer's reservations ($2, their id) until the transaction ends. */
export const CUSTOMER_LOCK_SQL = 'SELECT pg_advisory_xact_lock($1, hashtext($2))';

/** The close statement's ledger reason per item, built once: expiry and checkout run that statement. */
const CLOSING_LEDGER_REASON = ledgerReasonOfClosingSql('i.status');

/**
 * Inserts a reservation and its items, raises `reserved` and writes RESERVE ledger rows.
 * Parameters: $1 id, $2 owner id, $3 owner ref, $4 currency, $5 total (minor), $6 TTL
 * (seconds), then the lines as arrays: $7 variant ids, $8 SKUs, $9 quantities, $10 unit
 * prices (minor); $11 the longest hold (seconds) extensions may reach. Exported for the benchmark's PostgreSQL-only checkout, so that it
 * measures the very statement the app runs.
 */
export const INSERT_RESERVATION_SQL = reservationInsertSql();

/**
 * The reservation statement, with `alongside` CTEs of the caller (such as the transaction's
 * outbox events) written by the same statement; `from` names a CTE of one row the final
 * SELECT must read for them to run.
 */
export function reservationInsertSql(alongside?: { ctes: string; from: string }): string {
  return `WITH reservation AS (
     INSERT INTO reservations (id, owner_id, owner_ref, status, currency, total_minor, expires_at, max_expires_at)
     VALUES ($1, $2, $3, 'ACTIVE', $4, $5, now() + make_interval(secs => $6), now() + make_interval(secs => $11))
     RETURNING expires_at, max_expires_at, created_at
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
     UPDATE stock_levels s SET reserved = s.reserved + l.quantity, version = s.version + 1, updated_at = now()
       FROM lines l WHERE s.variant_id = l.variant_id
     RETURNING s.variant_id, s.on_hand, s.reserved, l.quantity
   ),
   ledger AS (
     INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, reservation_id)
     SELECT variant_id, 'RESERVE', 0, quantity, on_hand, reserved, $1 FROM updated ORDER BY variant_id
   )${alongside ? `, ${alongside.ctes}` : ''}
   SELECT expires_at, max_expires_at, created_at FROM reservation${alongside ? ` CROSS JOIN ${alongside.from}` : ''}`;
}

/** The first parameter number free after the reservation statement's own. */
export const RESERVATION_INSERT_PARAMETERS = 11;

/** The status a closing transition aims at; an overdue reservation becomes EXPIRED whatever is asked. */

/**
 * The reservations, their items, and the stock and ledger rows their transitions move.
 * Each write is one statement that changes the reservation, the stock counters and the
 * ledger together, so the round trips inside the stock lock window stay constant
 * whatever the number of lines. Every write expects the caller to hold the stock locks
 * of the variants involved.
 */
@Injectable()
export class ReservationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
  ) {}

  /**
   * Inserts the reservation and its items, raises `reserved` and writes RESERVE ledger rows,
   * in one statement that also runs the `alongside` CTEs (their parameters are numbered
   * after the reservation's own RESERVATION_INSERT_PARAMETERS).
   */
  async insert(
    tx: EntityManager,
    reservation: NewReservation,
    alongside?: { ctes: string; from: string; parameters: unknown[] },
  ): Promise<{ expiresAt: Date; maxExpiresAt: Date; createdAt: Date }> {
    const { lines } = reservation;
    const rows: { expires_at: Date; max_expires_at: Date; created_at: Date }[] = await tx.query(
      alongside ? reservationInsertSql(alongside) : INSERT_RESERVATION_SQL,
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
        Math.max(reservation.maxHoldSeconds, reservation.ttlSeconds),
        ...(alongside?.parameters ?? []),
      ],
    );
    return { expiresAt: rows[0].expires_at, maxExpiresAt: rows[0].max_expires_at, createdAt: rows[0].created_at };
  }

  /**
   * Serializes the reservations of one customer until `tx` ends: their holds and purchase
   * limits are checked and written by one transaction at a time. Taken after the
   * customer's cart row and before any stock row, the one lock order of every checkout.
   */
  async lockCustomer(tx: EntityManager, ownerId: string): Promise<void> {
    await tx.query(CUSTOMER_LOCK_SQL, [CUSTOMER_RESERVATIONS_LOCK, ownerId]);
  }

  /**
   * Moves the expiry of an ACTIVE reservation that has not run out to `now + seconds`,
   * never past its cap nor earlier than it was. Null when nothing changed: the caller
   * reads the reservation to say why.
   */
  async extend(
    tx: EntityManager,
    id: string,
    seconds: number,
  ): Promise<{ expiresAt: Date; extendedCount: number } | null> {
    // The guards run under the row lock the UPDATE takes: of an extension racing an expiry
    // or a confirm, whichever commits first decides what the other finds.
    const rows: { expires_at: Date; extended_count: number }[] = await tx.query(
      `WITH extended AS (
         UPDATE reservations
            SET expires_at = LEAST(now() + make_interval(secs => $2), max_expires_at),
                extended_count = extended_count + 1, updated_at = now()
          WHERE id = $1 AND status = 'ACTIVE' AND expires_at > now()
            AND LEAST(now() + make_interval(secs => $2), max_expires_at) > expires_at
         RETURNING expires_at, extended_count
       )
       SELECT * FROM extended`,
      [id, seconds],
    );
    return rows.length === 1 ? { expiresAt: rows[0].expires_at, extendedCount: rows[0].extended_count } : null;
  }

  /**
   * Sells the stock of the reservation if it is ACTIVE: on-hand and reserved drop, one
   * SALE ledger row per item. One already past its expiry is expired instead.
   */
  confirm(tx: EntityManager, id: string, actor: string | null): Promise<ClosedReservations> {
    return this.close(tx, [id], 'CONFIRMED', { onlyOverdue: false, actor });
  }

  /**
   * Releases the stock of the reservation if it is ACTIVE: reserved drops, one CANCEL
   * ledger row per item. One already past its expiry is expired instead.
   */
  cancel(tx: EntityManager, id: string, actor: string | null): Promise<ClosedReservations> {
    return this.close(tx, [id], 'CANCELLED', { onlyOverdue: false, actor });
  }

  /** Releases the stock of those of the reservations that are ACTIVE and overdue: one EXPIRE ledger row per item. */
  expire(tx: EntityManager, ids: readonly string[]): Promise<ClosedReservations> {
    return this.close(tx, ids, 'EXPIRED', { onlyOverdue: true, actor: null });
  }

  /**
   * The one statement behind the three transitions. The `status = 'ACTIVE'` guard runs
   * under the row lock the UPDATE takes, so of two racing transitions exactly one
   * changes stock.
   */
  private async close(
    tx: EntityManager,
    ids: readonly string[],
    target: ClosedStatus,
    { onlyOverdue, actor }: { onlyOverdue: boolean; actor: string | null },
  ): Promise<ClosedReservations> {
    if (ids.length === 0) return { closed: [], stock: [] };
    const rows: ClosedRow[] = await tx.query(
      `WITH closed AS (
         -- The reservations that leave ACTIVE now, and the status each ends in.
         UPDATE reservations
            SET status = CASE WHEN expires_at <= now() THEN 'EXPIRED' ELSE $2::varchar END,
                closed_at = now(), updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' AND ($3::boolean = false OR expires_at <= now())
         RETURNING id, status, owner_id, owner_ref, expires_at, extended_count, closed_at
       ),
       items AS (
         -- Their items; a sale takes the units off on-hand too.
         SELECT i.reservation_id, i.variant_id, i.quantity, c.status,
                CASE WHEN c.status = 'CONFIRMED' THEN -i.quantity ELSE 0 END AS delta
           FROM reservation_items i JOIN closed c ON c.id = i.reservation_id
       ),
       totals AS (
         SELECT variant_id, SUM(delta)::int AS delta, SUM(quantity)::int AS quantity FROM items GROUP BY variant_id
       ),
       updated AS (
         UPDATE stock_levels s
            SET on_hand = s.on_hand + t.delta, reserved = s.reserved - t.quantity, version = s.version + 1,
                updated_at = now()
           FROM totals t WHERE s.variant_id = t.variant_id
         RETURNING s.variant_id, s.on_hand, s.reserved
       ),
       ledger AS (
         -- One row per item; the running "after" values replay the items in ledger order.
         INSERT INTO stock_movements
           (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, reservation_id, actor)
         SELECT i.variant_id,
                ${CLOSING_LEDGER_REASON},
                i.delta, -i.quantity,
                u.on_hand - COALESCE(SUM(i.delta) OVER later, 0),
                u.reserved + COALESCE(SUM(i.quantity) OVER later, 0),
                i.reservation_id, $4
           FROM items i JOIN updated u ON u.variant_id = i.variant_id
         WINDOW later AS (PARTITION BY i.variant_id ORDER BY i.reservation_id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
         ORDER BY i.variant_id, i.reservation_id
       )
       -- The stock figures ride on the first row only (a batch's would be parsed once per
       -- reservation otherwise): the caller compares them with the rows it locked.
       SELECT c.*,
              CASE WHEN row_number() OVER () = 1 THEN
                (SELECT json_agg(json_build_object('variantId', variant_id, 'onHand', on_hand, 'reserved', reserved))
                   FROM updated) END AS stock
         FROM closed c`,
      [ids, target, onlyOverdue, actor],
    );
    return {
      closed: rows.map((row) => ({
        id: row.id,
        status: row.status,
        ownerId: row.owner_id,
        ownerRef: row.owner_ref,
        expiresAt: row.expires_at,
        extendedCount: row.extended_count,
        closedAt: row.closed_at,
      })),
      stock: rows[0]?.stock ?? [],
    };
  }

  /**
   * The reservation with its items in variant order, or null. With `ownerId` the owner is
   * part of the query: another customer's reservation is not found the same way, in the
   * same time, as one that does not exist.
   */
  async findView(id: string, ownerId?: string): Promise<ReservationView | null> {
    const reservation = await this.dataSource.getRepository(Reservation).findOne({
      where: { id, ...(ownerId === undefined ? {} : { ownerId }) },
      relations: { items: true },
      order: { items: { variantId: 'ASC' } },
    });
    if (!reservation) return null;
    return {
      id: reservation.id,
      ownerId: reservation.ownerId,
      ownerRef: reservation.ownerRef,
      status: reservation.status,
      currency: reservation.currency,
      total: reservation.total,
      expiresAt: reservation.expiresAt,
      maxExpiresAt: reservation.maxExpiresAt,
      extendedCount: reservation.extendedCount,
      createdAt: reservation.createdAt,
      closedAt: reservation.closedAt,
      items: (reservation.items ?? []).map((item) => ({
        variantId: item.variantId,
        sku: item.sku,
        quantity: item.quantity,
        unitPrice: item.unitPrice,
        lineTotal: item.unitPrice.times(item.quantity),
      })),
    };
  }

  /** The reservation's status, expiry and extension count, or null. */
  findStatus(id: string): Promise<ReservationStatusRow | null> {
    return this.dataSource
      .getRepository(Reservation)
      .findOne({ select: { status: true, expiresAt: true, extendedCount: true }, where: { id } });
  }

  /** The status of each of these reservations; unknown ids are absent. */
  async findStatuses(reservationIds: readonly string[]): Promise<Map<string, ReservationStatus>> {
    if (reservationIds.length === 0) return new Map();
    const rows = await this.sql.onReadPool<{ id: string; status: ReservationStatus }[]>(
      `SELECT id, status FROM reservations WHERE id = ANY($1::uuid[])`,
      [reservationIds],
    );
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  /** ACTIVE reservations, overdue ones included until they are released. */
  countActive(): Promise<number> {
    return this.dataSource.getRepository(Reservation).count({ where: { status: 'ACTIVE' } });
  }

  /** The variants of these reservations (items never change after insert: safe to read before locking). */
  async variantsOf(reservationIds: readonly string[]): Promise<number[]> {
    if (reservationIds.length === 0) return [];
    const rows: { variant_id: number }[] = await this.sql.onWritePool(
      `SELECT DISTINCT variant_id FROM reservation_items WHERE reservation_id = ANY($1::uuid[])`,
      [reservationIds],
    );
    return rows.map((row) => row.variant_id);
  }

  /** The oldest overdue ACTIVE reservations, for the sweep. */
  async findOverdue(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.sql.onWritePool(
      `SELECT id FROM reservations WHERE status = 'ACTIVE' AND expires_at <= now() ORDER BY expires_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * ACTIVE reservations more than `graceSeconds` past their expiry: nothing released them
   * (the sweep is not running, or keeps failing). Oldest first, at most `limit`.
   */
  async findStuck(graceSeconds: number, limit: number): Promise<{ reservationId: string; expiresAt: Date }[]> {
    const rows: { id: string; expires_at: Date }[] = await this.sql.onWritePool(
      `SELECT id, expires_at FROM reservations
        WHERE status = 'ACTIVE' AND expires_at < now() - make_interval(secs => $1)
        ORDER BY expires_at LIMIT $2`,
      [graceSeconds, limit],
    );
    return rows.map((row) => ({ reservationId: row.id, expiresAt: row.expires_at }));
  }
}

interface ClosedRow {
  id: string;
  status: ReservationStatus;
  owner_id: string;
  owner_ref: string | null;
  expires_at: Date;
  extended_count: number;
  closed_at: Date;
  stock: StockFigures[] | null;
}
