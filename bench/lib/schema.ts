import { Pool } from 'pg';

/**
 * What the app's schema holds of what the bench writes or reads beyond the basics
 * (catalog, stock, reservations). An older build (`--baseline`) may lack some: the
 * bench then leaves that part out on its side and says so in the report.
 */
export interface SchemaFeatures {
  /** stock_levels.max_per_order, max_per_customer and limit_window_seconds. */
  purchaseLimits: boolean;
  /** stock_levels.version, which every stock write bumps (the stock's ETag). */
  stockVersion: boolean;
  /** outbox_events and event_deliveries, which outbox-relay publishes into and reads. */
  outbox: boolean;
}

/** How the report names a feature the bench ran without (the stock version only changes how limits are set). */
export const FEATURE_NAMES: Record<Exclude<keyof SchemaFeatures, 'stockVersion'>, string> = {
  purchaseLimits: 'purchase limits (stock_levels.max_per_order, max_per_customer, limit_window_seconds)',
  outbox: 'outbox (outbox_events, event_deliveries): outbox-relay not run',
};

/** Reads the schema the app's migrations left in the bench database. */
export async function schemaFeatures(db: Pool): Promise<SchemaFeatures> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name IN ('stock_levels', 'outbox_events', 'event_deliveries')`,
  );
  const has = (table: string, ...columns: string[]) =>
    columns.every((column) => rows.some((row) => row.table_name === table && row.column_name === column));
  return {
    purchaseLimits: has('stock_levels', 'max_per_order', 'max_per_customer', 'limit_window_seconds'),
    stockVersion: has('stock_levels', 'version'),
    outbox: has('outbox_events', 'seq', 'aggregate_id') && has('event_deliveries', 'event_seq', 'status'),
  };
}
