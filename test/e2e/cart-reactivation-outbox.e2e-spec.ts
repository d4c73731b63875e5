import { CART_REACTIVATION_CONSUMER } from '../../src/cart/reservation-released.consumer';
import { checkout, fillCart, pricedVariant } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { cartRowsOf } from '../support/rows';
import { startIsolatedTestApp, TestApp } from '../support/test-app';
import { eventually, sleep } from '../support/wait';

const LOCK_TIMEOUT_MS = 300;

/**
 * The cart's reactivation rides on the outbox: when a first attempt fails (here, the cart
 * row is locked longer than DATABASE_LOCK_TIMEOUT_MS), the consumer's delivery is retried
 * until the cart comes back. No cart route is called, so nothing else can give it back.
 */
describe('cart reactivation through the outbox', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startIsolatedTestApp('cart-outbox', {
      RESERVATION_SWEEP_SECONDS: '3600',
      DATABASE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS),
      WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3',
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function reactivationOf(reservationId: string) {
    const [row]: { status: string; attempts: number; last_error: string | null }[] = await t.dataSource.query(
      `SELECT d.status, d.attempts, d.last_error FROM event_deliveries d
         JOIN outbox_events e ON e.seq = d.event_seq
        WHERE d.target = $1 AND e.type = 'reservation.cancelled' AND e.payload->>'reservationId' = $2`,
      [CART_REACTIVATION_CONSUMER, reservationId],
    );
    return row;
  }

  it('gives the cart back once a lock that defeated its first attempts is gone', async () => {
    const customer = newCustomer(t);
    const variant = await pricedVariant(t, 10);
    await fillCart(t, customer, [{ variantId: variant.id, quantity: 2 }]);
    const { body: reservation } = await checkout(t, customer).expect(201);
    const [cart] = await cartRowsOf(t, customer);
    expect(cart.status).toBe('CHECKED_OUT');

    const locker = t.dataSource.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    try {
      await locker.query('SELECT 1 FROM carts WHERE id = $1 FOR UPDATE', [cart.id]);
      await t.http.post(`/api/reservations/${reservation.id}/cancel`).set('authorization', customer.auth).expect(200);

      // The first attempts run into the lock and give up.
      await eventually(
        async () => expect((await reactivationOf(reservation.id))?.attempts).toBeGreaterThanOrEqual(2),
        5_000,
      );
      await sleep(LOCK_TIMEOUT_MS);
      expect((await cartRowsOf(t, customer))[0].status).toBe('CHECKED_OUT');
      const pending = await reactivationOf(reservation.id);
      expect(pending).toMatchObject({ status: 'PENDING', last_error: expect.stringContaining('lock') });
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }

    // The consumer commits the cart first and settles its delivery just after: wait for both.
    await eventually(async () => {
      expect((await cartRowsOf(t, customer))[0].status).toBe('ACTIVE');
      expect(await reactivationOf(reservation.id)).toMatchObject({ status: 'DELIVERED' });
    }, 5_000);
  });

  it('delivers the release of a reservation that is not a checkout without touching any cart', async () => {
    const customer = newCustomer(t);
    const variant = await pricedVariant(t, 10);
    await fillCart(t, customer, [{ variantId: variant.id, quantity: 1 }]);
    const { body: reservation } = await checkout(t, customer).expect(201);
    // Another module's reference (not a cart id) is ignored, and the delivery still settles.
    await t.dataSource.query(`UPDATE reservations SET owner_ref = 'pos-terminal-7' WHERE id = $1`, [reservation.id]);

    await t.http.post(`/api/reservations/${reservation.id}/cancel`).set('authorization', customer.auth).expect(200);

    await eventually(
      async () => expect(await reactivationOf(reservation.id)).toMatchObject({ status: 'DELIVERED' }),
      5_000,
    );
    expect((await cartRowsOf(t, customer))[0].status).toBe('CHECKED_OUT');
  });
});
