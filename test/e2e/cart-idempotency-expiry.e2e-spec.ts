import { addItem, checkout, getCart } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { newStockedVariant, stockOf } from '../support/inventory.factory';
import { expectProblem } from '../support/problem';
import { idempotencyKeysOf } from '../support/rows';
import { queuePrefix, startIsolatedTestApp, TestApp, unique } from '../support/test-app';
import { sleep } from '../support/wait';

const REPLAYED = 'idempotent-replayed';

describe('expired Idempotency-Keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A database of its own: with a 1 s TTL, another file's keys would expire under it.
    t = await startIsolatedTestApp('idempotency_expiry', {
      IDEMPOTENCY_KEY_TTL_SECONDS: '1',
      QUEUE_PREFIX: queuePrefix('idempotency-expiry'),
      RESERVATION_SWEEP_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('takes an expired key afresh for another request (no 422), and replays the new one', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    const key = unique('key');
    await addItem(t, customer, variant.id, 1, key).expect(201);
    expectProblem(await addItem(t, customer, variant.id, 2, key), 422, 'IDEMPOTENCY_KEY_REUSED');

    await sleep(1500);

    const fresh = await addItem(t, customer, variant.id, 2, key).expect(201);
    expect(fresh.headers[REPLAYED]).toBeUndefined();
    expect(fresh.body).toMatchObject({ variantId: variant.id, quantity: 3 });
    expect(await idempotencyKeysOf(t, customer)).toEqual([{ key, response_status: 201 }]);

    // The key now belongs to the new request.
    const replay = await addItem(t, customer, variant.id, 2, key).expect(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(fresh.body);
    expectProblem(await addItem(t, customer, variant.id, 1, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await getCart(t, customer).expect(200)).body.items).toEqual([
      expect.objectContaining({ variantId: variant.id, quantity: 3 }),
    ]);
  });

  it('replays nothing once a key expired: the same checkout key checks out the next cart', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    const key = unique('key');
    await addItem(t, customer, variant.id, 1).expect(201);
    const first = await checkout(t, customer, key).expect(201);

    await sleep(1500);
    await addItem(t, customer, variant.id, 2).expect(201);
    const second = await checkout(t, customer, key).expect(201);

    expect(second.headers[REPLAYED]).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 2 })]);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: 3 });
    await Promise.all(
      [first.body.id, second.body.id].map((id: string) =>
        t.http.post(`/api/reservations/${id}/cancel`).set('authorization', customer.auth).expect(200),
      ),
    );
  });
});
