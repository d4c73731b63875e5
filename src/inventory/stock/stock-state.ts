import { MOVEMENT_REASONS, MovementReason } from './stock-movement.entity';

/** How sellable a variant is: what a storefront badge and a restock list show. */
export const STOCK_STATES = ['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK'] as const;
export type StockState = (typeof STOCK_STATES)[number];

/**
 * OUT_OF_STOCK when nothing can be reserved, LOW_STOCK while the available units are at or
 * below the threshold, IN_STOCK above it.
 */
export function stockStateOf(available: number, lowStockThreshold: number): StockState {
  if (available <= 0) return 'OUT_OF_STOCK';
  return available <= lowStockThreshold ? 'LOW_STOCK' : 'IN_STOCK';
}

/**
 * stockStateOf as a SQL expression over two SQL expressions, for statements that select
 * or filter by state in the database. Kept beside it so the rule has one home; a medium
 * test proves that both give the same state for every boundary.
 */
export function stockStateSql(available: string, lowStockThreshold: string): string {
  return `CASE WHEN ${available} <= 0 THEN 'OUT_OF_STOCK'
               WHEN ${available} <= ${lowStockThreshold} THEN 'LOW_STOCK'
               ELSE 'IN_STOCK' END`;
}

/** The outbox event types of a change of state (see stockEventOf, and INVENTORY_EVENTS for their payload). */
export const StockEvents = {
  Low: 'stock.low',
  Out: 'stock.out',
  BackInStock: 'stock.back_in_stock',
} as const;
export type StockEventName = (typeof StockEvents)[keyof typeof StockEvents];

/**
 * The event a change of state announces: entering OUT_OF_STOCK is `stock.out`, leaving it
 * `stock.back_in_stock` (even into LOW_STOCK: the variant can be bought again), and
 * IN_STOCK to LOW_STOCK `stock.low`. A rise from LOW_STOCK to IN_STOCK is recorded but
 * announces nothing: nobody waits for it.
 */
export function stockEventOf(from: StockState, to: StockState): StockEventName | null {
  if (from === to) return null;
  if (to === 'OUT_OF_STOCK') return StockEvents.Out;
  if (from === 'OUT_OF_STOCK') return StockEvents.BackInStock;
  return to === 'LOW_STOCK' ? StockEvents.Low : null;
}

/** What caused a change of state: a ledger reason, or a new low-stock threshold. */
export type StockStateCause = MovementReason | 'THRESHOLD';
export const STOCK_STATE_CAUSES: readonly StockStateCause[] = [...MOVEMENT_REASONS, 'THRESHOLD'];
