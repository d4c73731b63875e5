-- The physical limit of checkout-spread: a 3-line checkout in PostgreSQL alone. Three
-- distinct variants from the seeded range, locked in ascending order (as the app does,
-- so no deadlock), then the guarded update, the reservation, its items and the ledger.
-- Variables (pgbench -D): first (lowest variant id), third (a third of the range).
\set a :first + random(0, :third - 1)
\set b :first + :third + random(0, :third - 1)
\set c :first + 2 * :third + random(0, :third - 1)
BEGIN;
SELECT on_hand, reserved FROM stock_levels WHERE variant_id IN (:a, :b, :c) ORDER BY variant_id FOR UPDATE;
UPDATE stock_levels SET reserved = reserved + 1, updated_at = now()
 WHERE variant_id IN (:a, :b, :c) AND on_hand - reserved >= 1;
WITH reservation AS (
  INSERT INTO reservations (id, owner_id, status, currency, total_minor, expires_at)
  VALUES (gen_random_uuid(), 'pgbench-' || :client_id, 'ACTIVE', 'USD', 3000, now() + interval '1 day')
  RETURNING id
), item AS (
  INSERT INTO reservation_items (reservation_id, variant_id, sku, quantity, unit_price_minor)
  SELECT id, variant, 'PGBENCH', 1, 1000 FROM reservation, unnest(ARRAY[:a, :b, :c]::int[]) variant
)
INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, reservation_id)
SELECT s.variant_id, 'RESERVE', 0, 1, s.on_hand, s.reserved, reservation.id
  FROM reservation, stock_levels s WHERE s.variant_id IN (:a, :b, :c) ORDER BY s.variant_id;
COMMIT;
