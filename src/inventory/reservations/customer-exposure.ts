/** What one customer holds or bought of some variants, and the limits of those variants. */
export interface CustomerExposure {
  /** The customer's ACTIVE reservations that have not run out. */
  activeHolds: number;
  /** The lines' variants that have a purchase limit; others are absent. */
  limited: Map<number, { maxPerOrder: number | null; maxPerCustomer: number | null; alreadyHeld: number }>;
}

/**
 * The customer's ACTIVE reservations that have not run out, with the customer as `owner`
 * (an SQL expression). Shared by the exposure read and the stock lock of a reserve.
 */
export function activeHoldsSql(owner: string): string {
  return `(SELECT count(*) FROM reservations
            WHERE owner_id = ${owner} AND status = 'ACTIVE' AND expires_at > now())::int`;
}

/**
 * The units the customer `owner` holds (ACTIVE, not run out) or bought (CONFIRMED) of the
 * variant of the stock row `level` within its purchase-limit window; 0 when the row has no
 * per-customer cap.
 */
export function alreadyHeldSql(owner: string, level: string): string {
  return `CASE WHEN ${level}.max_per_customer IS NULL THEN 0 ELSE (
            SELECT COALESCE(SUM(i.quantity), 0)
              FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
             WHERE r.owner_id = ${owner} AND i.variant_id = ${level}.variant_id
               AND (r.status = 'CONFIRMED' OR (r.status = 'ACTIVE' AND r.expires_at > now()))
               AND (${level}.limit_window_seconds IS NULL
                    OR r.created_at > now() - make_interval(secs => ${level}.limit_window_seconds))) END::int`;
}
