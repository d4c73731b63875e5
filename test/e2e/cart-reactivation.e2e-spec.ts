import { ReservationReleasedConsumer } from '../../src/cart/reservation-released.consumer';
import type { ReservationEventPayload } from '../../src/inventory';
import type { OutboxEvent } from '../../src/outbox';
import { addItem, checkout, getCart } from '../support/cart.factory';
import { newProduct, newVariant } from '../support/catalog.factory';
import { Customer, newCustomer } from '../support/customer.factory';
import {
  auditDrift,
  ledgerOf,
  makeOverdue,
  newStockedVariant,
  setStock,
  stockOf,
  StockedVariant,
} from '../support/inventory.factory';
import { expectProblem } from '../support/problem';
import { activeCartsOf, cartRowsOf, outboxEventsOf, reservationsOf, reservationStatusOf } from '../support/rows';
import { queuePrefix, startIsolatedTestApp, startTestApp, TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * A checked-out cart comes back (same id, lines and price snapshots) when its reservation
 * is cancelled or expires, unless the customer has started a new cart meanwhile; a
 * confirmed reservation never brings it back.
 */
function cancelAs(t: TestApp, customer: Customer, reservationId: string) {
  return t.http.post(`/api/reservations/${reservationId}/cancel`).set('authorization', customer.auth);
}

/**
 * Runs `release` and waits until the cart module's outbox consumer has handled the release
 * of `reservationId` (whatever it decided), so that a test can assert what did NOT happen.
 * Returns the event the consumer got.
 */
async function releaseAndWaitForConsumer(
  t: TestApp,
  reservationId: string,
  release: () => Promise<unknown>,
): Promise<OutboxEvent<ReservationEventPayload>> {
  const consumer = t.app.get(ReservationReleasedConsumer);
  const spy = jest.spyOn(consumer, 'reactivateCart');
  try {
    await release();
    let index = -1;
    await eventually(async () => {
      index = spy.mock.calls.findIndex(([event]) => event.payload.reservationId === reservationId);
      expect(index).toBeGreaterThanOrEqual(0);
    }, 5000);
    await spy.mock.results[index].value;
    return spy.mock.calls[index][0];
  } finally {
    spy.mockRestore();
  }
}

describe('cart reactivation', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A database of its own: the tests watch this app's outbox consumer, and another test
    // file's app (a relay of its own) would take deliveries from a shared outbox.
    t = await startIsolatedTestApp('cart_reactivation', {
      QUEUE_PREFIX: queuePrefix('cart-reactivation'),
      RESERVATION_SWEEP_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('gives the cart back, same id, lines and price snapshots, when its reservation is cancelled; it checks out again', async () => {
    const customer = newCustomer(t);
    const productId = await newProduct(t, { basePrice: '500.00' });
    const variant = await newVariant(t, { productId, priceAdjustment: '50.00' });
    await setStock(t, variant.id, 10);
    const other = await newStockedVariant(t, { onHand: 10 });
    await addItem(t, customer, variant.id, 2).expect(201);
    await addItem(t, customer, other.id, 1).expect(201);
    const before = (await getCart(t, customer).expect(200)).body;
    expect(before).toMatchObject({ status: 'ACTIVE', subtotal: '1650.00' });

    const first = await checkout(t, customer).expect(201);
    expect((await getCart(t, customer).expect(200)).body.id).toBeNull();
    expect(await cartRowsOf(t, customer)).toEqual([
      expect.objectContaining({ id: before.id, status: 'CHECKED_OUT', reservation_id: first.body.id }),
    ]);
    // The catalog price moves while the cart is checked out: the snapshots must not.
    await t.http
      .patch(`/api/products/${productId}`)
      .set('authorization', t.admin)
      .send({ basePrice: '600.00' })
      .expect(200);

    const cancelled = await cancelAs(t, customer, first.body.id).expect(200);
    expect(cancelled.body.status).toBe('CANCELLED');

    await eventually(async () => {
      expect((await getCart(t, customer).expect(200)).body.id).toBe(before.id);
    });
    const back = (await getCart(t, customer).expect(200)).body;
    expect(back).toEqual(before);
    expect(back.items.map((item: { unitPrice: string }) => item.unitPrice)).toEqual(['550.00', '550.00']);
    const [row] = await cartRowsOf(t, customer);
    expect(row).toEqual({ id: before.id, status: 'ACTIVE', reservation_id: null, checked_out_at: null });
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: 0 });

    const second = await checkout(t, customer).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body).toMatchObject({ status: 'ACTIVE', total: '1650.00' });
    expect(second.body.items).toEqual([
      expect.objectContaining({ variantId: variant.id, quantity: 2, unitPrice: '550.00', lineTotal: '1100.00' }),
      expect.objectContaining({ variantId: other.id, quantity: 1, unitPrice: '550.00', lineTotal: '550.00' }),
    ]);
    expect(await cartRowsOf(t, customer)).toEqual([
      expect.objectContaining({ id: before.id, status: 'CHECKED_OUT', reservation_id: second.body.id }),
    ]);
    expect(await reservationsOf(t, customer)).toEqual([
      expect.objectContaining({ id: second.body.id, status: 'ACTIVE', owner_ref: before.id }),
      expect.objectContaining({ id: first.body.id, status: 'CANCELLED', owner_ref: before.id }),
    ]);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: 2 });
    expect(await stockOf(t, other.id)).toMatchObject({ onHand: 10, reserved: 1 });

    await cancelAs(t, customer, second.body.id).expect(200);
    await eventually(async () => expect((await getCart(t, customer).expect(200)).body.id).toBe(before.id));
  });

  it('keeps the new cart when the customer started one before the old reservation was cancelled', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    const later = await newStockedVariant(t, { onHand: 10 });
    await addItem(t, customer, variant.id, 3).expect(201);
    const oldCart = (await getCart(t, customer).expect(200)).body;
    const reservation = await checkout(t, customer).expect(201);

    const newLine = await addItem(t, customer, later.id, 1).expect(201);
    const newCart = (await getCart(t, customer).expect(200)).body;
    expect(newCart.id).not.toBe(oldCart.id);

    const event = await releaseAndWaitForConsumer(t, reservation.body.id, () =>
      cancelAs(t, customer, reservation.body.id).expect(200),
    );

    expect(event).toMatchObject({
      type: 'reservation.cancelled',
      payload: { reservationId: reservation.body.id, ownerRef: oldCart.id, status: 'CANCELLED' },
    });
    expect((await getCart(t, customer).expect(200)).body).toMatchObject({
      id: newCart.id,
      status: 'ACTIVE',
      items: [newLine.body],
    });
    expect(await cartRowsOf(t, customer)).toEqual([
      expect.objectContaining({ id: oldCart.id, status: 'CHECKED_OUT', reservation_id: reservation.body.id }),
      expect.objectContaining({ id: newCart.id, status: 'ACTIVE', reservation_id: null }),
    ]);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: 0 });

    // The new cart checks out as usual, and its own cancellation gives it back.
    const next = await checkout(t, customer).expect(201);
    expect(next.body.items).toEqual([expect.objectContaining({ variantId: later.id, quantity: 1 })]);
    await cancelAs(t, customer, next.body.id).expect(200);
    await eventually(async () => expect((await getCart(t, customer).expect(200)).body.id).toBe(newCart.id));
    expect(await activeCartsOf(t, customer)).toEqual([{ id: newCart.id }]);
  });

  it('never gives back an older cart once a newer one was checked out; the newer one comes back instead', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    await addItem(t, customer, variant.id, 1).expect(201);
    const first = await checkout(t, customer).expect(201);
    await addItem(t, customer, variant.id, 2).expect(201);
    const newer = (await getCart(t, customer).expect(200)).body;
    const second = await checkout(t, customer).expect(201);

    await releaseAndWaitForConsumer(t, first.body.id, () => cancelAs(t, customer, first.body.id).expect(200));

    expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: null, items: [] });
    await releaseAndWaitForConsumer(t, second.body.id, () => cancelAs(t, customer, second.body.id).expect(200));
    expect((await getCart(t, customer).expect(200)).body).toMatchObject({
      id: newer.id,
      status: 'ACTIVE',
      items: [expect.objectContaining({ variantId: variant.id, quantity: 2 })],
    });
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('gives the cart back when the customer looks at it, should the release event have been lost', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    await addItem(t, customer, variant.id, 2).expect(201);
    const before = (await getCart(t, customer).expect(200)).body;
    const reservation = await checkout(t, customer).expect(201);
    const consumer = t.app.get(ReservationReleasedConsumer);
    // A database blip fails the outbox delivery until its retry comes round.
    const failed = jest.spyOn(consumer, 'reactivateCart').mockRejectedValue(new Error('connection terminated'));
    try {
      await cancelAs(t, customer, reservation.body.id).expect(200);
      await eventually(async () => expect(failed).toHaveBeenCalled());
    } finally {
      failed.mockRestore();
    }
    expect(await cartRowsOf(t, customer)).toEqual([expect.objectContaining({ id: before.id, status: 'CHECKED_OUT' })]);

    expect((await getCart(t, customer).expect(200)).body).toEqual(before);
    expect(await cartRowsOf(t, customer)).toEqual([
      expect.objectContaining({ id: before.id, status: 'ACTIVE', reservation_id: null }),
    ]);
  });

  it('gives the cart back at once when its reservation is overdue, before any job or sweep has run', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    await addItem(t, customer, variant.id, 3).expect(201);
    const before = (await getCart(t, customer).expect(200)).body;
    const reservation = await checkout(t, customer).expect(201);
    await makeOverdue(t, reservation.body.id);

    expect((await getCart(t, customer).expect(200)).body).toEqual(before);
    expect(await reservationStatusOf(t, reservation.body.id)).toBe('EXPIRED');
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('does not give the cart back when the reservation is confirmed', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 5 });
    await addItem(t, customer, variant.id, 2).expect(201);
    const cartId = (await getCart(t, customer).expect(200)).body.id as string;
    const reservation = await checkout(t, customer).expect(201);
    const consumer = jest.spyOn(t.app.get(ReservationReleasedConsumer), 'reactivateCart');

    try {
      const confirmed = await t.http
        .post(`/api/reservations/${reservation.body.id}/confirm`)
        .set('authorization', t.admin)
        .expect(200);
      expect(confirmed.body.status).toBe('CONFIRMED');
      // Give a (wrong) delivery the time it would need.
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(await outboxEventsOf(t, 'reservation', reservation.body.id)).toEqual([
        { type: 'reservation.created', payload: expect.objectContaining({ ownerRef: cartId }) },
        { type: 'reservation.confirmed', payload: expect.objectContaining({ ownerRef: cartId }) },
      ]);
      expect(consumer.mock.calls.filter(([event]) => event.payload.reservationId === reservation.body.id)).toEqual([]);
    } finally {
      consumer.mockRestore();
    }
    expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: null, items: [] });
    expect(await cartRowsOf(t, customer)).toEqual([
      expect.objectContaining({ id: cartId, status: 'CHECKED_OUT', reservation_id: reservation.body.id }),
    ]);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3, reserved: 0 });

    // Too late to cancel: still no cart back.
    expectProblem(await cancelAs(t, customer, reservation.body.id), 409, 'RESERVATION_NOT_ACTIVE');
    expect((await getCart(t, customer).expect(200)).body.id).toBeNull();
  });

  it('leaves the audit empty', async () => {
    expect(await auditDrift(t)).toEqual([]);
  });
});

describe('cart reactivation on expiry through Bull', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '1',
      QUEUE_PREFIX: queuePrefix('cart-reactivation-expiry'),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  /** Waits, reading only the database, until the reservation has expired and its cart is back. */
  const awaitExpiryAndCart = async (customer: Customer, reservationId: string, cartId: string) => {
    await eventually(async () => expect(await reservationStatusOf(t, reservationId)).toBe('EXPIRED'), 15_000);
    await eventually(async () => {
      expect((await getCart(t, customer).expect(200)).body.id).toBe(cartId);
    });
  };

  it('expires the reservation, returns the stock and gives the same cart back', async () => {
    const customer = newCustomer(t);
    const variant: StockedVariant = await newStockedVariant(t, { onHand: 4 });
    await addItem(t, customer, variant.id, 3).expect(201);
    const before = (await getCart(t, customer).expect(200)).body;
    const reservation = await checkout(t, customer).expect(201);
    expect(Date.parse(reservation.body.expiresAt) - Date.parse(reservation.body.createdAt)).toBe(1000);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 3, available: 1 });

    await awaitExpiryAndCart(customer, reservation.body.id, before.id);

    expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 4, reserved: 0, available: 4 });
    const expiries = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE');
    expect(expiries).toEqual([
      expect.objectContaining({ reservationId: reservation.body.id, delta: 0, reservedDelta: -3, reservedAfter: 0 }),
    ]);
    expect((await getCart(t, customer).expect(200)).body).toEqual(before);
    expect(await cartRowsOf(t, customer)).toEqual([
      { id: before.id, status: 'ACTIVE', reservation_id: null, checked_out_at: null },
    ]);

    // The cart that came back checks out again, and comes back again when that expires.
    const again = await checkout(t, customer).expect(201);
    expect(again.body.id).not.toBe(reservation.body.id);
    expect(again.body.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 3 })]);
    await awaitExpiryAndCart(customer, again.body.id, before.id);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0 });
    expect(await reservationsOf(t, customer)).toEqual([
      expect.objectContaining({ id: again.body.id, status: 'EXPIRED', owner_ref: before.id }),
      expect.objectContaining({ id: reservation.body.id, status: 'EXPIRED', owner_ref: before.id }),
    ]);
  });

  it('leaves the audit empty', async () => {
    expect(await auditDrift(t)).toEqual([]);
  });
});

describe('checkout with Redis unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 1: the expiry job cannot be enqueued, and nothing may wait for it.
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: queuePrefix('cart-redis-down') });
  });

  afterAll(async () => {
    await t.close();
  });

  it('still checks out at once, and the overdue reservation gives the cart back without any job', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 5 });
    await addItem(t, customer, variant.id, 2).expect(201);
    const before = (await getCart(t, customer).expect(200)).body;
    const started = Date.now();

    const reservation = await checkout(t, customer).expect(201);

    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 2 });
    await makeOverdue(t, reservation.body.id);
    expect((await getCart(t, customer).expect(200)).body).toEqual(before);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 0 });
    expect(await auditDrift(t)).toEqual([]);
  });
});
