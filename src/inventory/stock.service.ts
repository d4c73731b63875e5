import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogService, VariantNotFoundError } from '../products';
import { Env } from '../shared/config';
import { ValidationFailedError } from '../shared/errors';
import { StockBelowReservedError, StockLimitExceededError } from './inventory.errors';
import { findStuck } from './reservation.queries';
import { ensureStockLevel, lockStockLevels, MovementRow, recordAdminMovement } from './stock-ledger';
import { MAX_ON_HAND } from './stock-level.entity';
import { MovementReason } from './stock-movement.entity';
import { queryForRead } from '../shared/database';

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

export interface StuckReservation {
  reservationId: string;
  expiresAt: Date;
}

export interface StockAudit {
  drift: StockDrift[];
  /** ACTIVE reservations past their expiry plus RESERVATION_STUCK_GRACE_SECONDS: holds nothing released. */
  stuck: StuckReservation[];
}

/** Stuck reservations the audit lists at most; one is already a reason to look. */
const STUCK_LIST_LIMIT = 1000;

export interface AdjustmentRequest {
  delta: number;
  reason: MovementReason;
  note?: string | null;
}

@Injectable()
export class StockService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** Counters of every requested variant; a variant never stocked has zeros. */
  async getAvailability(variantIds: readonly number[]): Promise<Map<number, StockAvailability>> {
    const ids = [...new Set(variantIds)];
    const result = new Map(ids.map((variantId) => [variantId, availability(variantId, 0, 0)]));
    if (ids.length === 0) return result;
    const rows = await queryForRead<{ variant_id: number; on_hand: number; reserved: number }[]>(
      this.dataSource,
      `SELECT variant_id, on_hand, reserved FROM stock_levels WHERE variant_id = ANY($1::int[])`,
      [ids],
    );
    for (const row of rows) result.set(row.variant_id, availability(row.variant_id, row.on_hand, row.reserved));
    return result;
  }

  /** Availability of a live catalog variant; 404 for an unknown or deleted one. */
  async getForVariant(variantId: number): Promise<StockAvailability> {
    await this.catalog.getVariant(variantId);
    const levels = await this.getAvailability([variantId]);
    return levels.get(variantId)!;
  }

  /**
   * Sets on-hand to a counted figure, recording the difference as a COUNT movement.
   * Setting the current figure again writes nothing.
   */
  async setOnHand(variantId: number, onHand: number, actor: string): Promise<StockAvailability> {
    await this.catalog.getVariant(variantId);
    return this.dataSource.transaction(async (tx) => {
      await ensureStockLevel(tx, variantId);
      const level = (await lockStockLevels(tx, [variantId])).get(variantId)!;
      if (onHand < level.reserved) throw new StockBelowReservedError(variantId, onHand, level.reserved);
      if (onHand === level.onHand) return availability(variantId, level.onHand, level.reserved);
      const row = await recordAdminMovement(tx, {
        variantId,
        delta: onHand - level.onHand,
        reason: 'COUNT',
        actor,
        note: null,
      });
      return availability(variantId, row.on_hand_after, row.reserved_after);
    });
  }

  /** Adds `delta` units (negative removes them) with a reason for the ledger. */
  async adjust(variantId: number, request: AdjustmentRequest, actor: string): Promise<StockMovementView> {
    checkAdjustmentDirection(request);
    await this.catalog.getVariant(variantId);
    return this.dataSource.transaction(async (tx) => {
      await ensureStockLevel(tx, variantId);
      const level = (await lockStockLevels(tx, [variantId])).get(variantId)!;
      const onHand = level.onHand + request.delta;
      if (onHand < level.reserved) throw new StockBelowReservedError(variantId, onHand, level.reserved);
      if (onHand > MAX_ON_HAND) throw new StockLimitExceededError(variantId, onHand, MAX_ON_HAND);
      const row = await recordAdminMovement(tx, {
        variantId,
        delta: request.delta,
        reason: request.reason,
        actor,
        note: request.note ?? null,
      });
      return toMovementView(row);
    });
  }

  /**
   * The ledger of a variant, newest first. History outlives the variant: a deleted
   * variant's movements stay readable; only a variant that never existed is 404.
   */
  async movements(variantId: number, limit: number, offset: number): Promise<[StockMovementView[], number]> {
    // One snapshot for the count and the page: rows appended meanwhile would make them disagree.
    const [rows, count] = await this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const [{ total }]: { total: number }[] = await tx.query(
        `SELECT count(*)::int AS total FROM stock_movements WHERE variant_id = $1`,
        [variantId],
      );
      const page: MovementRow[] = await tx.query(
        `SELECT * FROM stock_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [variantId, limit, offset],
      );
      return [page, total] as const;
    });
    if (count === 0 && !(await this.catalog.variantEverExisted(variantId))) throw new VariantNotFoundError(variantId);
    return [rows.map(toMovementView), count];
  }

  /**
   * What should never be: variants whose counters disagree with the ledger or with their
   * ACTIVE reservations, and reservations still holding stock long after they expired.
   */
  async audit(): Promise<StockAudit> {
    const grace = this.config.get('RESERVATION_STUCK_GRACE_SECONDS', { infer: true });
    const [drift, stuck] = await Promise.all([
      this.drift(),
      findStuck(this.dataSource.manager, grace, STUCK_LIST_LIMIT),
    ]);
    return { drift, stuck };
  }

  /**
   * Variants whose on-hand differs from the sum of their ledger, or whose reserved count
   * differs from the units of their ACTIVE reservations. One statement: one snapshot.
   */
  private async drift(): Promise<StockDrift[]> {
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

const ADDING_REASONS: readonly MovementReason[] = ['RESTOCK', 'RETURN'];
const REMOVING_REASONS: readonly MovementReason[] = ['DAMAGE'];

/** A restock that removes units, or damage that adds them, is a typo, not a movement. */
function checkAdjustmentDirection({ reason, delta }: AdjustmentRequest): void {
  const message = ADDING_REASONS.includes(reason)
    ? delta < 0 && `delta must be positive for ${reason}`
    : REMOVING_REASONS.includes(reason) && delta > 0 && `delta must be negative for ${reason}`;
  if (message) throw new ValidationFailedError(message, [{ field: 'delta', message }]);
}

function availability(variantId: number, onHand: number, reserved: number): StockAvailability {
  return { variantId, onHand, reserved, available: onHand - reserved };
}

function toMovementView(row: MovementRow): StockMovementView {
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
