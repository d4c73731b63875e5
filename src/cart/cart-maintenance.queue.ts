/** The cart module's queue: periodic work only, nothing a request enqueues. */
export const CART_MAINTENANCE_QUEUE = 'cart-maintenance';
export const RECONCILE_JOB = 'reconcile-carts';
/** Scheduled here by earlier versions; the schedule removes what Redis still holds of it. */
export const RETIRED_PURGE_JOB = { name: 'purge-idempotency-keys', everyMs: 60 * 60 * 1000 } as const;
