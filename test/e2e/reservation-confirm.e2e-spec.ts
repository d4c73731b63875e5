import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_UUID } from '../support/ids';
import {
  auditDrift,
  ledgerOf,
  line,
  makeOverdue,
  newStockedVariant,
  newTwoLineReservation,
  releasedEventRecorder,
  RELEASE_TIMES,
  reservationEventPayload,
  reservationRequests,
  reserve,
  snapshotsOf,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { outboxEventsOf, reservationStatusOf } from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

const UNKNOWN_RESERVATION = UNKNOWN_UUID;

const CONFIRMED = 'reservation.confirmed';
const EXPIRED = 'reservation.expired';
const RELEASED = 'reservation.released';

describe('inventory reservations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('reservation-confirm');
  });

  afterAll(async () => {
    await t.close();
  });

  const { getReservation, confirm, cancel } = reservationRequests(() => t);

  describe('POST /api/reservations/:id/confirm', () => {
    it('sells the stock: status CONFIRMED, on hand and reserved drop, one SALE movement per variant', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);

      const response = await confirm(reservation.id);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: reservation.id,
        status: 'CONFIRMED',
        closedAt: expect.any(String),
        total: '45.50',
        items: [
          expect.objectContaining({ variantId: first.id, quantity: 3 }),
          expect.objectContaining({ variantId: second.id, quantity: 2 }),
        ],
      });
      expect(Date.parse(response.body.closedAt)).toBeGreaterThanOrEqual(Date.parse(response.body.createdAt));
      expect(await stockOf(t, first.id)).toEqual({ variantId: first.id, onHand: 7, reserved: 0, available: 7 });
      expect(await stockOf(t, second.id)).toEqual({ variantId: second.id, onHand: 3, reserved: 0, available: 3 });
      for (const [variant, quantity, onHandAfter] of [
        [first, 3, 7],
        [second, 2, 3],
      ] as const) {
        const sales = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'SALE');
        expect(sales).toEqual([
          expect.objectContaining({
            delta: -quantity,
            reservedDelta: -quantity,
            onHandAfter,
            reservedAfter: 0,
            reservationId: reservation.id,
            actor: 'admin-1',
          }),
        ]);
      }
      const read = await getReservation(reservation.id, owner.auth).expect(200);
      expect(read.body).toEqual(response.body);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('leaves the units other reservations hold', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const sold = await reserve(t, unique('customer'), [line(variant, 4)]);
      await reserve(t, unique('customer'), [line(variant, 5)]);

      await confirm(sold.id).expect(200);

      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 6, reserved: 5, available: 1 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 403 FORBIDDEN to a customer, even the owner, and changes nothing', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
      const before = await snapshotsOf(t, first, second);

      const response = await confirm(reservation.id, owner.auth);

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
      expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
    });

    it('answers 409 RESERVATION_NOT_ACTIVE to a second confirm, and sells nothing more', async () => {
      const { first, second, reservation } = await newTwoLineReservation(t, unique('customer'));
      await confirm(reservation.id).expect(200);
      const before = await snapshotsOf(t, first, second);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE after a cancel, and sells nothing', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
      await cancel(reservation.id, owner.auth).expect(200);
      const before = await snapshotsOf(t, first, second);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
      expect(await reservationStatusOf(t, reservation.id)).toBe('CANCELLED');
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND for an unknown id', async () => {
      const response = await confirm(UNKNOWN_RESERVATION);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 400 VALIDATION_FAILED for a non-UUID id', async () => {
      const response = await confirm('42');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'id');
    });

    it('answers 401 UNAUTHENTICATED without a token, and changes nothing', async () => {
      const { first, second, reservation } = await newTwoLineReservation(t, unique('customer'));
      const before = await snapshotsOf(t, first, second);

      const response = await confirm(reservation.id, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
    });
  });

  describe('a reservation past its expiry', () => {
    it('cannot be confirmed: 409 RESERVATION_NOT_ACTIVE, and it is EXPIRED with its stock released', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
      await makeOverdue(t, reservation.id);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      const read = await getReservation(reservation.id, owner.auth).expect(200);
      expect(read.body).toMatchObject({ status: 'EXPIRED', closedAt: expect.any(String) });
      expect(await stockOf(t, first.id)).toEqual({ variantId: first.id, onHand: 10, reserved: 0, available: 10 });
      expect(await stockOf(t, second.id)).toEqual({ variantId: second.id, onHand: 5, reserved: 0, available: 5 });
      for (const [variant, quantity] of [
        [first, 3],
        [second, 2],
      ] as const) {
        const ledger = await ledgerOf(t, variant.id);
        expect(ledger.map((row) => row.reason)).toEqual(['COUNT', 'RESERVE', 'EXPIRE']);
        expect(ledger[2]).toMatchObject({
          delta: 0,
          reservedDelta: -quantity,
          reservedAfter: 0,
          reservationId: reservation.id,
        });
      }
      expect(await auditDrift(t)).toEqual([]);
    });

    it('cannot be cancelled: 409 RESERVATION_NOT_ACTIVE, and it is EXPIRED with one EXPIRE movement', async () => {
      const owner = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 4 });
      const reservation = await reserve(t, owner.sub, [line(variant, 4)]);
      await makeOverdue(t, reservation.id);

      const response = await cancel(reservation.id, owner.auth);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
      expect((await ledgerOf(t, variant.id)).map((row) => row.reason)).toEqual(['COUNT', 'RESERVE', 'EXPIRE']);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE to every later confirm and writes no second EXPIRE movement', async () => {
      const variant = await newStockedVariant(t, { onHand: 4 });
      const reservation = await reserve(t, unique('customer'), [line(variant, 2)]);
      await makeOverdue(t, reservation.id);
      await confirm(reservation.id).expect(409);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect((await ledgerOf(t, variant.id)).map((row) => row.reason)).toEqual(['COUNT', 'RESERVE', 'EXPIRE']);
      expect(await auditDrift(t)).toEqual([]);
    });
  });

  describe('domain events', () => {
    /** Records the in-process reservation.released; each one also notes the reservation's status as another connection sees it. */
    const record = releasedEventRecorder(() => t);
    const outboxOf = (id: string) => outboxEventsOf(t, 'reservation', id);
    /** The reservation as committed, read back as an admin once the call has answered. */
    const committed = async (id: string) => (await getReservation(id, t.admin).expect(200)).body;

    it('publishes reservation.confirmed to the outbox once, committed with the status, and releases nothing', async () => {
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      const { reservation } = await newTwoLineReservation(t, ownerId, ownerRef);
      const before = await outboxOf(reservation.id);
      const { of } = record();

      await confirm(reservation.id).expect(200);
      await confirm(reservation.id).expect(409);

      const after = await committed(reservation.id);
      expect(after.status).toBe('CONFIRMED');
      expect(before.map((event) => event.type)).toEqual(['reservation.created']);
      expect(await outboxOf(reservation.id)).toEqual([
        ...before,
        { type: CONFIRMED, payload: reservationEventPayload(after, ownerId, ownerRef) },
      ]);
      expect(of(reservation.id)).toEqual([]);
    });

    it('emits reservation.released with reason EXPIRED when a confirm finds it overdue, and publishes only reservation.expired', async () => {
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      const { reservation } = await newTwoLineReservation(t, ownerId, ownerRef);
      await makeOverdue(t, reservation.id);
      const before = await outboxOf(reservation.id);
      const { of, seenStatuses } = record();

      await confirm(reservation.id).expect(409);

      expect(of(reservation.id)).toEqual([
        {
          name: RELEASED,
          payload: { reservationId: reservation.id, ownerId, ownerRef, reason: 'EXPIRED', ...RELEASE_TIMES },
        },
      ]);
      expect(await seenStatuses()).toEqual(['EXPIRED']);
      const after = await committed(reservation.id);
      expect(after.status).toBe('EXPIRED');
      expect(await outboxOf(reservation.id)).toEqual([
        ...before,
        { type: EXPIRED, payload: reservationEventPayload(after, ownerId, ownerRef) },
      ]);
    });

    it('emits and publishes nothing for a refused transition', async () => {
      const owner = newCustomer(t);
      const { reservation } = await newTwoLineReservation(t, owner.sub);
      const before = await outboxOf(reservation.id);
      const { of } = record();

      await confirm(reservation.id, owner.auth).expect(403);
      await cancel(reservation.id, newCustomer(t).auth).expect(404);

      expect(of(reservation.id)).toEqual([]);
      expect(before).toHaveLength(1);
      expect(await outboxOf(reservation.id)).toEqual(before);
    });
  });
});
