import { InventoryModule } from '../../src/inventory';
import { HoldLimitReachedError, ReservationNotActiveError } from '../../src/inventory/inventory.errors';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import { ADMIN_PRINCIPAL, newCustomer } from '../support/customer.factory';
import {
  closingRowsOf,
  line,
  makeOverdue,
  newStockedVariant,
  newTwoLineReservation,
  reservationEventPayload,
  reserve,
  StockedVariant,
  stockAudit,
} from '../support/inventory.factory';
import { MediumContext, startIsolatedModuleContext } from '../support/medium';
import { outboxEventsOf, reservationStatusOf, stockRowOf, versionedSnapshotOf } from '../support/rows';
import { queuePrefix, unique } from '../support/test-app';

const MAX_HOLD_SECONDS = 900;
const TTL_SECONDS = 300;
/** How far an expiry computed by PostgreSQL may sit from the test's own clock reading. */
const CLOCK_SLACK_MS = 2000;

/**
 * The rules of extending a hold as the inventory module applies them, with a 5-minute TTL
 * and a 15-minute cap: how far an extension moves the expiry, what it counts and
 * publishes, where the cap stops it, and which reservations cannot be extended. Only the
 * module's own calls move these reservations (queues of their own, no expiry processor).
 * The route's answers (its body, a missing body, validation, 401/404, the 409 problems)
 * are in test/e2e/reservation-extend; the races with the expiry job in reservation-extend.
 */
describe('extending a reservation (inventory module)', () => {
  let t: MediumContext;
  let reservations: ReservationsService;

  beforeAll(async () => {
    // A database of its own: the audit after each test then answers for this file's reservations only.
    t = await startIsolatedModuleContext('reservation_extend_rules', InventoryModule, {
      QUEUE_PREFIX: queuePrefix('reservation-extend-rules'),
      RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
      RESERVATION_MAX_HOLD_SECONDS: String(MAX_HOLD_SECONDS),
    });
    reservations = t.get(ReservationsService);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockAudit(t)).toEqual({ drift: [], stuck: [] });
  });

  /** The counters, version and ledger of each variant, to show that a call moved no stock. */
  const snapshotsOf = (...variants: StockedVariant[]) =>
    Promise.all(variants.map((variant) => versionedSnapshotOf(t, variant)));

  /** Asserts that `at` lies `seconds` after the moments the test read before and after the call. */
  const expectAbout = (at: Date, from: number, to: number, seconds: number) => {
    expect(at.getTime()).toBeGreaterThanOrEqual(from + seconds * 1000 - CLOCK_SLACK_MS);
    expect(at.getTime()).toBeLessThanOrEqual(to + seconds * 1000 + CLOCK_SLACK_MS);
  };

  it('shows the new expiresAt and extendedCount on a later read', async () => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);

    const extended = await reservations.extend(reservation.id, 500, owner.principal);
    const read = await reservations.get(reservation.id, owner.principal);

    expect(read).toMatchObject({
      status: 'ACTIVE',
      expiresAt: extended.expiresAt,
      extendedCount: 1,
      maxExpiresAt: extended.maxExpiresAt,
    });
    expect(read.expiresAt).not.toEqual(reservation.expiresAt);
  });

  it('counts every extension that moves the hold', async () => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);

    const once = await reservations.extend(reservation.id, 400, owner.principal);
    const twice = await reservations.extend(reservation.id, 500, owner.principal);

    expect(once.extendedCount).toBe(1);
    expect(twice.extendedCount).toBe(2);
    expect(twice.expiresAt.getTime()).toBeGreaterThan(once.expiresAt.getTime());
  });

  it('publishes reservation.extended once, with the reservation as extended and its owner', async () => {
    const owner = newCustomer(t);
    const ownerRef = unique('cart');
    const { reservation } = await newTwoLineReservation(t, owner.sub, ownerRef);
    const extendedOf = (id: string) => outboxEventsOf(t, 'reservation', id, ['reservation.extended']);

    const extended = await reservations.extend(reservation.id, 600, owner.principal);
    const published = await extendedOf(reservation.id);
    // Asking for less than is left moves nothing and publishes nothing.
    await reservations.extend(reservation.id, 60, owner.principal);

    expect(published).toEqual([
      { type: 'reservation.extended', payload: reservationEventPayload(extended, owner.sub, ownerRef) },
    ]);
    expect(await reservations.get(reservation.id, owner.principal)).toMatchObject({
      expiresAt: extended.expiresAt,
      extendedCount: 1,
    });
    expect(await extendedOf(reservation.id)).toEqual(published);
  });

  it('leaves the hold unchanged when asked for less than remains', async () => {
    const owner = newCustomer(t);
    const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
    const before = await snapshotsOf(first, second);

    const answered = await reservations.extend(reservation.id, 60, owner.principal);

    expect(answered).toMatchObject({ status: 'ACTIVE', expiresAt: reservation.expiresAt, extendedCount: 0 });
    const read = await reservations.get(reservation.id, owner.principal);
    expect(read).toMatchObject({ expiresAt: reservation.expiresAt, extendedCount: 0 });
    expect(await snapshotsOf(first, second)).toEqual(before);
  });

  it('lands exactly on maxExpiresAt when asked for more than the cap allows', async () => {
    const owner = newCustomer(t);
    const { reservation } = await newTwoLineReservation(t, owner.sub);

    const capped = await reservations.extend(reservation.id, 86_400, owner.principal);

    expect(capped.expiresAt).toEqual(reservation.maxExpiresAt);
    expect(capped.maxExpiresAt).toEqual(reservation.maxExpiresAt);
    expect(capped.maxExpiresAt.getTime() - capped.createdAt.getTime()).toBe(MAX_HOLD_SECONDS * 1000);
    expect(capped.extendedCount).toBe(1);
  });

  it('refuses with HOLD_LIMIT_REACHED and maxExpiresAt once the hold is at its cap, and changes nothing', async () => {
    const owner = newCustomer(t);
    const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
    const capped = await reservations.extend(reservation.id, 86_400, owner.principal);
    const before = await snapshotsOf(first, second);

    // 60 seconds, a day, and the default TTL (no seconds given).
    for (const seconds of [60, 86_400, undefined]) {
      const refused = reservations.extend(reservation.id, seconds, owner.principal);

      await expect(refused).rejects.toBeInstanceOf(HoldLimitReachedError);
      await expect(refused).rejects.toMatchObject({
        code: 'HOLD_LIMIT_REACHED',
        extensions: { maxExpiresAt: capped.maxExpiresAt.toISOString() },
      });
    }
    const read = await reservations.get(reservation.id, owner.principal);
    expect(read).toMatchObject({ status: 'ACTIVE', expiresAt: capped.maxExpiresAt, extendedCount: 1 });
    expect(await snapshotsOf(first, second)).toEqual(before);
  });

  it("lets an admin extend anyone's reservation", async () => {
    const { reservation } = await newTwoLineReservation(t, unique('customer'));

    const from = Date.now();
    const extended = await reservations.extend(reservation.id, 700, ADMIN_PRINCIPAL);
    const to = Date.now();

    expect(extended.extendedCount).toBe(1);
    expectAbout(extended.expiresAt, from, to, 700);
  });

  it('refuses a cancelled reservation with RESERVATION_NOT_ACTIVE, and moves no stock', async () => {
    const owner = newCustomer(t);
    const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
    await reservations.cancel(reservation.id, owner.principal);
    const before = await snapshotsOf(first, second);

    const refused = reservations.extend(reservation.id, 600, ADMIN_PRINCIPAL);

    await expect(refused).rejects.toBeInstanceOf(ReservationNotActiveError);
    await expect(refused).rejects.toMatchObject({ code: 'RESERVATION_NOT_ACTIVE' });
    expect(await snapshotsOf(first, second)).toEqual(before);
    const read = await reservations.get(reservation.id, owner.principal);
    expect(read).toMatchObject({ status: 'CANCELLED', extendedCount: 0 });
  });

  it('refuses a reservation past its expiry with RESERVATION_NOT_ACTIVE, and expires it: its stock is back', async () => {
    const owner = newCustomer(t);
    const first = await newStockedVariant(t, { onHand: 10 });
    const second = await newStockedVariant(t, { onHand: 5 });
    const reservation = await reserve(t, owner.sub, [line(first, 3), line(second, 2)]);
    await makeOverdue(t, reservation.id);

    const refused = reservations.extend(reservation.id, 600, owner.principal);

    await expect(refused).rejects.toBeInstanceOf(ReservationNotActiveError);
    await expect(refused).rejects.toMatchObject({ code: 'RESERVATION_NOT_ACTIVE' });
    expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED');
    expect(await stockRowOf(t, first.id)).toEqual({ variantId: first.id, onHand: 10, reserved: 0, available: 10 });
    expect(await stockRowOf(t, second.id)).toEqual({ variantId: second.id, onHand: 5, reserved: 0, available: 5 });
    for (const [variant, quantity] of [
      [first, 3],
      [second, 2],
    ] as const) {
      expect(await closingRowsOf(t, variant, reservation.id)).toEqual([
        expect.objectContaining({ reason: 'EXPIRE', delta: 0, reservedDelta: -quantity }),
      ]);
    }
    const read = await reservations.get(reservation.id, owner.principal);
    expect(read).toMatchObject({ status: 'EXPIRED', extendedCount: 0 });
  });
});
