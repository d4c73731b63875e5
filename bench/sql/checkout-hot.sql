-- The physical limit of checkout-hot: what a checkout of a 1-line cart must do in
-- PostgreSQL, with nothing else. Lock the stock row, take the stock with a guarded
-- update, insert the reservation, its item and the RESERVE ledger row, commit.
-- Variables (pgbench -D): variant.
BEGIN;
SELECT on_hand, reserved FROM stock_levels WHERE variant_id = :variant FOR UPDATE;
UPDATE stock_levels SET reserved = reserved + 1, updated_at = now()
 WHERE variant_id = :variant AND on_hand - reserved >= 1;
WITH reservation AS (
  INSERT INTO reservations (id, owner_id, status, currency, total_minor, expires_at)
  VALUES (gen_random_uuid(), 'pgbench-' || :client_id, 'ACTIVE', 'USD', 1000, now() + interval '1 day')
  RETURNING id
), item AS (
  INSERT INTO reservation_items (reservation_id, variant_id, sku, quantity, unit_price_minor)
  SELECT id, :variant::int, 'PGBENCH', 1, 1000 FROM reservation
)
INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, reservation_id)
SELECT s.variant_id, 'RESERVE', 0, 1, s.on_hand, s.reserved, reservation.id
  FROM reservation, stock_levels s WHERE s.variant_id = :variant;
COMMIT;
