import { TestApp, unique } from './test-app';

/** A customer of the test app: a unique `sub` and its bearer header. */
export interface Customer {
  sub: string;
  auth: string;
}

export function newCustomer(t: TestApp, tier: Parameters<TestApp['customer']>[1] = 'STANDARD'): Customer {
  const sub = unique('customer');
  return { sub, auth: t.customer(sub, tier) };
}

/** POST /api/cart/items as the customer; the supertest request, to assert on. */
export function addItem(t: TestApp, customer: Customer, variantId: number, quantity: number, idempotencyKey?: string) {
  const request = t.http.post('/api/cart/items').set('authorization', customer.auth);
  if (idempotencyKey !== undefined) request.set('idempotency-key', idempotencyKey);
  return request.send({ variantId, quantity });
}

export function getCart(t: TestApp, customer: Customer) {
  return t.http.get('/api/cart').set('authorization', customer.auth);
}

export function updateItem(t: TestApp, customer: Customer, itemId: string, quantity: number) {
  return t.http.patch(`/api/cart/items/${itemId}`).set('authorization', customer.auth).send({ quantity });
}

export function removeItem(t: TestApp, customer: Customer, itemId: string) {
  return t.http.delete(`/api/cart/items/${itemId}`).set('authorization', customer.auth);
}

/** POST /api/cart/checkout as the customer, with an Idempotency-Key when given. */
export function checkout(t: TestApp, customer: Customer, idempotencyKey?: string) {
  const request = t.http.post('/api/cart/checkout').set('authorization', customer.auth);
  if (idempotencyKey !== undefined) request.set('idempotency-key', idempotencyKey);
  return request;
}

/** Adds every line (expecting 201 each), in the order given. */
export async function fillCart(
  t: TestApp,
  customer: Customer,
  lines: readonly { variantId: number; quantity: number }[],
): Promise<void> {
  for (const { variantId, quantity } of lines) {
    await addItem(t, customer, variantId, quantity).expect(201);
  }
}

/** Reservations the customer holds in the database, newest first (tests read state beside the API). */
export async function reservationsOf(
  t: TestApp,
  customer: Customer,
): Promise<{ id: string; status: string; owner_ref: string | null }[]> {
  return t.dataSource.query(
    'SELECT id, status, owner_ref FROM reservations WHERE owner_id = $1 ORDER BY created_at DESC',
    [customer.sub],
  );
}
