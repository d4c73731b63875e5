import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { queryForRead } from '../shared/database';
import { StockLevel } from './stock-level.entity';
import { MovementReason } from './stock-movement.entity';

export interface StockAvailability {
  variantId: number;
  onHand: number;
  reserved: number;
  /** Units a new reservation can take: on-hand minus reserved. */
  available: number;
}

export interface StockMovementView {
  id: number;
  variantId: number;
  reason: MovementReason;
  delta: number;
  reservedDelta: number;
  onHandAfter: number;
  reservedAfter: number;
  reservationId: string | null;
  actor: string | null;
  note: string | null;
  createdAt: Date;
}

export interface StockDrift {
  variantId: number;
  onHand: number;
  ledgerOnHand: number;
  reserved: number;
  activeReserved: number;
}

export interface AdminMovement {
  variantId: number;
  delta: number;
  reason: MovementReason;
  actor: string;
  note: string | null;
}

/** The stock rows of a reservation's lines, locked, and the overdue reservations holding them. */
export interface ReserveLocks {
  levels: Map<number, StockLevel>;
  /** ACTIVE reservations past their expiry that hold any of the lines: to release before checking. */
  overdueIds: string[];
}

/**
 * The stock counters and their ledger. Every writer of stock locks its rows through
 * `lockLevels` or `lockForReserve`: one pass in ascending variant id, so two
 * transactions can never wait for each other in a cycle.
 */
@Injectable()
export class StockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counters of every requested variant; a variant never stocked has zeros. */
  async findAvailability(variantIds: readonly number[]): Promise<Map<number, StockAvailability>> {
    const ids = [...new Set(variantIds)];
    const result = new Map(ids.map((variantId) => [variantId, availabilityOf(variantId, 0, 0)]));
    if (ids.length === 0) return result;
    const rows = await queryForRead<{ variant_id: number; on_hand: number; reserved: number }[]>(
      this.dataSource,
      `SELECT variant_id, on_hand, reserved FROM stock_levels WHERE variant_id = ANY($1::int[])`,
      [ids],
    );
    for (const row of rows) result.set(row.variant_id, availabilityOf(row.variant_id, row.on_hand, row.reserved));
    return result;
  }

  /** Locks the stock rows of the variants (SELECT ... FOR UPDATE), ascending. */
  async lockLevels(tx: EntityManager, variantIds: readonly number[]): Promise<Map<number, StockLevel>> {
    const ids = ascendingUnique(variantIds);
    if (ids.length === 0) return new Map();
    const levels = await tx.getRepository(StockLevel).find({
      where: { variantId: In(ids) },
      order: { variantId: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    return new Map(levels.map((level) => [level.variantId, level]));
  }

  /**
   * Locks, in one round trip, the stock rows of the lines and of every variant held by
   * overdue reservations that hold any of the lines (at most `overdueLimit` of them), in
   * one ascending pass: releasing those reservations needs their rows, and taking them in
   * a second pass could break the lock order. The overdue set is read as the statement
   * starts; releasing it is guarded by its status, so one released meanwhile is skipped.
   */
  async lockForReserve(tx: EntityManager, variantIds: readonly number[], overdueLimit: number): Promise<ReserveLocks> {
    const ids = ascendingUnique(variantIds);
    if (ids.length === 0) return { levels: new Map(), overdueIds: [] };
    const { entities, raw } = await tx
      .getRepository(StockLevel)
      .createQueryBuilder('s')
      .addCommonTableExpression(
        `SELECT r.id FROM reservations r
          WHERE r.status = 'ACTIVE' AND r.expires_at <= now()
            AND EXISTS (SELECT 1 FROM reservation_items held
                         WHERE held.reservation_id = r.id AND held.variant_id = ANY(:ids::int[]))
          LIMIT :overdueLimit`,
        'overdue',
      )
      .addSelect('ARRAY(SELECT o.id FROM overdue o)', 'overdue_ids')
      .where(
        `s.variant_id = ANY(:ids::int[] || ARRAY(SELECT i.variant_id FROM reservation_items i
                                                   JOIN overdue o ON o.id = i.reservation_id))`,
        { ids, overdueLimit },
      )
      .orderBy('s.variant_id', 'ASC')
      .setLock('pessimistic_write')
      .getRawAndEntities<{ overdue_ids: string[] }>();
    return {
      levels: new Map(entities.map((level) => [level.variantId, level])),
      overdueIds: raw[0]?.overdue_ids ?? [],
    };
  }

  /** Creates the zero row of a variant that was never stocked; a no-op otherwise. */
  async ensureLevel(tx: EntityManager, variantId: number): Promise<void> {
    await tx.createQueryBuilder().insert().into(StockLevel).values({ variantId }).orIgnore().execute();
  }

  /**
   * Changes on-hand and writes its ledger row in one statement. The caller holds the row
   * lock and has checked the result against `reserved`; the CHECK constraints back it up.
   */
  async recordAdminMovement(tx: EntityManager, movement: AdminMovement): Promise<StockMovementView> {
    const rows: MovementRow[] = await tx.query(
      `WITH updated AS (
         UPDATE stock_levels SET on_hand = on_hand + $2, updated_at = now()
          WHERE variant_id = $1
         RETURNING variant_id, on_hand, reserved
       )
       INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, actor, note)
       SELECT variant_id, $3, $2, 0, on_hand, reserved, $4, $5 FROM updated
       RETURNING *`,
      [movement.variantId, movement.delta, movement.reason, movement.actor, movement.note],
    );
    return movementViewOf(rows[0]);
  }

  /** A page of the variant's ledger, newest first, with the count of all its rows, from one snapshot. */
  async movementsPage(variantId: number, limit: number, offset: number): Promise<[StockMovementView[], number]> {
    // One snapshot for the count and the page: rows appended meanwhile would make them disagree.
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const [{ total }]: { total: number }[] = await tx.query(
        `SELECT count(*)::int AS total FROM stock_movements WHERE variant_id = $1`,
        [variantId],
      );
      const page: MovementRow[] = await tx.query(
        `SELECT * FROM stock_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [variantId, limit, offset],
      );
      return [page.map(movementViewOf), total];
    });
  }

  /**
   * Variants whose on-hand differs from the sum of their ledger, or whose reserved count
   * differs from the units of their ACTIVE reservations. One statement: one snapshot.
   */
  async findDrift(): Promise<StockDrift[]> {
    const rows: {
      variant_id: number;
      on_hand: number;
      ledger_on_hand: number;
      reserved: number;
      active_reserved: number;
    }[] = await this.dataSource.query(
      `SELECT s.variant_id, s.on_hand, s.reserved,
              COALESCE(ledger.on_hand, 0)::int AS ledger_on_hand,
              COALESCE(active.reserved, 0)::int AS active_reserved
         FROM stock_levels s
         LEFT JOIN (SELECT variant_id, SUM(delta) AS on_hand FROM stock_movements GROUP BY variant_id) ledger
                ON ledger.variant_id = s.variant_id
         LEFT JOIN (SELECT i.variant_id, SUM(i.quantity) AS reserved
                      FROM reservation_items i JOIN reservations r ON r.id = i.reservation_id
                     WHERE r.status = 'ACTIVE' GROUP BY i.variant_id) active
                ON active.variant_id = s.variant_id
        WHERE s.on_hand <> COALESCE(ledger.on_hand, 0) OR s.reserved <> COALESCE(active.reserved, 0)
        ORDER BY s.variant_id`,
    );
    return rows.map((row) => ({
      variantId: row.variant_id,
      onHand: row.on_hand,
      ledgerOnHand: row.ledger_on_hand,
      reserved: row.reserved,
      activeReserved: row.active_reserved,
    }));
  }
}

export function availabilityOf(variantId: number, onHand: number, reserved: number): StockAvailability {
  return { variantId, onHand, reserved, available: onHand - reserved };
}

function ascendingUnique(variantIds: readonly number[]): number[] {
  return [...new Set(variantIds)].sort((a, b) => a - b);
}

interface MovementRow {
  id: string;
  variant_id: number;
  reason: MovementReason;
  delta: number;
  reserved_delta: number;
  on_hand_after: number;
  reserved_after: number;
  reservation_id: string | null;
  actor: string | null;
  note: string | null;
  created_at: Date;
}

function movementViewOf(row: MovementRow): StockMovementView {
  return {
    id: Number(row.id),
    variantId: row.variant_id,
    reason: row.reason,
    delta: row.delta,
    reservedDelta: row.reserved_delta,
    onHandAfter: row.on_hand_after,
    reservedAfter: row.reserved_after,
    reservationId: row.reservation_id,
    actor: row.actor,
    note: row.note,
    createdAt: row.created_at,
  };
}
