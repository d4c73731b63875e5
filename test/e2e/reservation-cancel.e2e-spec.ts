import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_UUID } from '../support/ids';
import {
  auditDrift,
  ledgerOf,
  newTwoLineReservation,
  releasedEventRecorder,
  RELEASE_TIMES,
  reservationEventPayload,
  reservationRequests,
  snapshotsOf,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { outboxEventsOf, reservationStatusOf } from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

const UNKNOWN_RESERVATION = UNKNOWN_UUID;

const CANCELLED = 'reservation.cancelled';
const RELEASED = 'reservation.released';

describe('inventory reservations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('reservation-cancel');
  });

  afterAll(async () => {
    await t.close();
  });

  const { getReservation, confirm, cancel } = reservationRequests(() => t);

  describe('POST /api/reservations/:id/cancel', () => {
    it('releases the stock to the owner: status CANCELLED, one CANCEL movement per variant', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);

      const response = await cancel(reservation.id, owner.auth);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: reservation.id, status: 'CANCELLED', closedAt: expect.any(String) });
      expect(await stockOf(t, first.id)).toEqual({ variantId: first.id, onHand: 10, reserved: 0, available: 10 });
      expect(await stockOf(t, second.id)).toEqual({ variantId: second.id, onHand: 5, reserved: 0, available: 5 });
      for (const [variant, quantity, onHandAfter] of [
        [first, 3, 10],
        [second, 2, 5],
      ] as const) {
        const ledger = await ledgerOf(t, variant.id);
        expect(ledger.map((row) => row.reason)).toEqual(['COUNT', 'RESERVE', 'CANCEL']);
        expect(ledger[2]).toMatchObject({
          delta: 0,
          reservedDelta: -quantity,
          onHandAfter,
          reservedAfter: 0,
          reservationId: reservation.id,
          actor: owner.sub,
        });
      }
      expect(await auditDrift(t)).toEqual([]);
    });

    it("lets an admin cancel anyone's reservation", async () => {
      const { first, reservation } = await newTwoLineReservation(t, unique('customer'));

      const response = await cancel(reservation.id, t.admin);

      expect(response.status).toBe(200);
      expect(response.body.status).toBe('CANCELLED');
      expect(await stockOf(t, first.id)).toMatchObject({ onHand: 10, reserved: 0 });
      const ledger = await ledgerOf(t, first.id);
      expect(ledger[ledger.length - 1]).toMatchObject({ reason: 'CANCEL', actor: 'admin-1' });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND to another customer, and changes nothing', async () => {
      const { first, second, reservation } = await newTwoLineReservation(t, unique('customer'));
      const before = await snapshotsOf(t, first, second);

      const response = await cancel(reservation.id, newCustomer(t).auth);

      expectProblem(response, 404, 'NOT_FOUND');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
      expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
    });

    it('answers 409 RESERVATION_NOT_ACTIVE to a second cancel, and releases nothing more', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
      await cancel(reservation.id, owner.auth).expect(200);
      const before = await snapshotsOf(t, first, second);

      const response = await cancel(reservation.id, owner.auth);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE after a confirm, and releases nothing', async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);
      await confirm(reservation.id).expect(200);
      const before = await snapshotsOf(t, first, second);

      const response = await cancel(reservation.id, owner.auth);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
      expect(await reservationStatusOf(t, reservation.id)).toBe('CONFIRMED');
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND for an unknown id', async () => {
      const response = await cancel(UNKNOWN_RESERVATION, newCustomer(t).auth);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 400 VALIDATION_FAILED for a non-UUID id', async () => {
      const response = await cancel('not-a-uuid', newCustomer(t).auth);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'id');
    });

    it('answers 401 UNAUTHENTICATED without a token, and changes nothing', async () => {
      const { first, second, reservation } = await newTwoLineReservation(t, unique('customer'));
      const before = await snapshotsOf(t, first, second);

      const response = await cancel(reservation.id, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await snapshotsOf(t, first, second)).toEqual(before);
    });
  });

  describe('domain events', () => {
    /** Records the in-process reservation.released; each one also notes the reservation's status as another connection sees it. */
    const record = releasedEventRecorder(() => t);
    const outboxOf = (id: string) => outboxEventsOf(t, 'reservation', id);

    it('emits reservation.released with reason CANCELLED once, after the commit, and publishes only reservation.cancelled', async () => {
      const owner = newCustomer(t);
      const ownerRef = unique('cart');
      const { reservation } = await newTwoLineReservation(t, owner.sub, ownerRef);
      const before = await outboxOf(reservation.id);
      const { of, seenStatuses } = record();

      await cancel(reservation.id, owner.auth).expect(200);
      await cancel(reservation.id, owner.auth).expect(409);

      expect(of(reservation.id)).toEqual([
        {
          name: RELEASED,
          payload: {
            reservationId: reservation.id,
            ownerId: owner.sub,
            ownerRef,
            reason: 'CANCELLED',
            ...RELEASE_TIMES,
          },
        },
      ]);
      expect(await seenStatuses()).toEqual(['CANCELLED']);
      const after = (await getReservation(reservation.id, owner.auth).expect(200)).body;
      expect(after.status).toBe('CANCELLED');
      expect(await outboxOf(reservation.id)).toEqual([
        ...before,
        { type: CANCELLED, payload: reservationEventPayload(after, owner.sub, ownerRef) },
      ]);
    });
  });
});
