import { EntityManager, In } from 'typeorm';
import { MovementReason } from './stock-movement.entity';
import { StockLevel } from './stock-level.entity';

/**
 * Locks the stock rows of the variants (SELECT ... FOR UPDATE) in ascending variant id
 * order. Every writer of stock takes its locks through here, in one ordered pass, so two
 * transactions can never wait for each other in a cycle.
 */
export async function lockStockLevels(
  tx: EntityManager,
  variantIds: readonly number[],
): Promise<Map<number, StockLevel>> {
  const ids = [...new Set(variantIds)].sort((a, b) => a - b);
  if (ids.length === 0) return new Map();
  const levels = await tx.getRepository(StockLevel).find({
    where: { variantId: In(ids) },
    order: { variantId: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  return new Map(levels.map((level) => [level.variantId, level]));
}

/** Creates the zero row of a variant that was never stocked; a no-op otherwise. */
export async function ensureStockLevel(tx: EntityManager, variantId: number): Promise<void> {
  await tx.query(`INSERT INTO stock_levels (variant_id) VALUES ($1) ON CONFLICT (variant_id) DO NOTHING`, [variantId]);
}

export interface AdminMovement {
  variantId: number;
  delta: number;
  reason: MovementReason;
  actor: string;
  note: string | null;
}

export interface MovementRow {
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

/**
 * Changes on-hand and writes its ledger row in one statement. The caller holds the row
 * lock and has checked the result against `reserved`; the CHECK constraints back it up.
 */
export async function recordAdminMovement(tx: EntityManager, movement: AdminMovement): Promise<MovementRow> {
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
  return rows[0];
}
