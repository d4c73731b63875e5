import { ConfigService } from '@nestjs/config';
import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_UUID, UUID } from '../support/ids';
import {
  auditDrift,
  ledgerOf,
  line,
  makeOverdue,
  newStockedVariant,
  newTwoLineReservation,
  recordEvents,
  RELEASE_TIMES,
  reservationRequests,
  reserve,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { reservationStatusOf } from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

const UNKNOWN_RESERVATION = UNKNOWN_UUID;

describe('inventory reservations', () => {
  let t: TestApp;
  let ttlSeconds: number;
  let currency: string;

  beforeAll(async () => {
    t = await startQuietTestApp('reservations');
    const config = t.app.get(ConfigService);
    ttlSeconds = Number(config.get('RESERVATION_TTL_SECONDS'));
    currency = String(config.get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  const { getReservation } = reservationRequests(() => t);

  describe('GET /api/reservations/:id', () => {
    it("answers the owner's reservation with its items, money as strings and the TTL", async () => {
      const owner = newCustomer(t);
      const { first, second, reservation } = await newTwoLineReservation(t, owner.sub);

      const response = await getReservation(reservation.id, owner.auth);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: reservation.id,
        status: 'ACTIVE',
        expiresAt: expect.any(String),
        maxExpiresAt: expect.any(String),
        extendedCount: 0,
        createdAt: expect.any(String),
        closedAt: null,
        items: [
          { variantId: first.id, sku: first.sku, quantity: 3, unitPrice: '12.50', lineTotal: '37.50' },
          { variantId: second.id, sku: second.sku, quantity: 2, unitPrice: '4.00', lineTotal: '8.00' },
        ],
        total: '45.50',
        currency,
      });
      expect(response.body.id).toMatch(UUID);
      const createdAt = Date.parse(response.body.createdAt);
      const expiresAt = Date.parse(response.body.expiresAt);
      expect(expiresAt - createdAt).toBe(ttlSeconds * 1000);
      const maxHoldSeconds = Number(t.app.get(ConfigService).get('RESERVATION_MAX_HOLD_SECONDS'));
      expect(Date.parse(response.body.maxExpiresAt) - createdAt).toBe(maxHoldSeconds * 1000);
      expect(Math.abs(createdAt - Date.now())).toBeLessThan(60_000);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('uses the default TTL of 300 seconds unless RESERVATION_TTL_SECONDS says otherwise', () => {
      expect(ttlSeconds).toBe(Number(process.env.RESERVATION_TTL_SECONDS ?? 300));
    });

    it('formats whole amounts with two fraction digits', async () => {
      const owner = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const reservation = await reserve(t, owner.sub, [line(variant, 1)]);

      const response = await getReservation(reservation.id, owner.auth);

      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([
        { variantId: variant.id, sku: variant.sku, quantity: 1, unitPrice: '10.00', lineTotal: '10.00' },
      ]);
      expect(response.body.total).toBe('10.00');
    });

    it('answers the same reservation as the facade returned when it reserved', async () => {
      const owner = newCustomer(t);
      const { reservation } = await newTwoLineReservation(t, owner.sub);

      const response = await getReservation(reservation.id, owner.auth);

      expect(response.body).toMatchObject({
        id: reservation.id,
        status: reservation.status,
        expiresAt: reservation.expiresAt.toISOString(),
        createdAt: reservation.createdAt.toISOString(),
        total: reservation.total.format(),
      });
    });

    it('keeps the SKU the variant had when it was reserved', async () => {
      const owner = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const reservation = await reserve(t, owner.sub, [line(variant, 1)]);
      await t.http
        .patch(`/api/products/variants/${variant.id}`)
        .set('authorization', t.admin)
        .send({ sku: unique('RENAMED').toUpperCase() })
        .expect(200);

      const response = await getReservation(reservation.id, owner.auth);

      expect(response.body.items[0].sku).toBe(variant.sku);
    });

    it('accepts the id in upper case', async () => {
      const owner = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const reservation = await reserve(t, owner.sub, [line(variant, 1)]);

      const response = await getReservation(reservation.id.toUpperCase(), owner.auth);

      expect(response.status).toBe(200);
      expect(response.body.id).toBe(reservation.id);
    });

    it("answers anyone's reservation to an admin", async () => {
      const { reservation } = await newTwoLineReservation(t, unique('customer'));

      const response = await getReservation(reservation.id, t.admin);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: reservation.id, status: 'ACTIVE', total: '45.50' });
    });

    it("answers 404 NOT_FOUND for another customer's reservation, exactly as for an unknown id", async () => {
      const { reservation } = await newTwoLineReservation(t, unique('customer'));
      const stranger = newCustomer(t);

      const foreign = await getReservation(reservation.id, stranger.auth);
      const unknown = await getReservation(UNKNOWN_RESERVATION, stranger.auth);

      expectProblem(foreign, 404, 'NOT_FOUND');
      expectProblem(unknown, 404, 'NOT_FOUND');
      const comparable = (body: Record<string, unknown>, id: string) => ({
        ...body,
        detail: String(body.detail).replace(id, '<id>'),
        instance: String(body.instance).replace(id, '<id>'),
        requestId: '<request>',
      });
      expect(comparable(foreign.body, reservation.id)).toEqual(comparable(unknown.body, UNKNOWN_RESERVATION));
      expect(JSON.stringify(foreign.body)).not.toContain(String(reservation.total));
    });

    it('expires a reservation it finds past its expiry before answering, so no reader sees a stale hold', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 4 });
      const reservation = await reserve(t, customer.sub, [line(variant, 3)], 'cart-7');
      await makeOverdue(t, reservation.id);
      const recorder = recordEvents(t, ['reservation.released']);

      try {
        const response = await getReservation(reservation.id, customer.auth).expect(200);

        expect(response.body.status).toBe('EXPIRED');
        expect(response.body.closedAt).not.toBeNull();
        expect(recorder.events).toEqual([
          {
            name: 'reservation.released',
            payload: {
              reservationId: reservation.id,
              ownerId: customer.sub,
              ownerRef: 'cart-7',
              reason: 'EXPIRED',
              ...RELEASE_TIMES,
            },
          },
        ]);
      } finally {
        recorder.stop();
      }
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0 });
      const releases = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE');
      expect(releases).toHaveLength(1);
      await getReservation(reservation.id, customer.auth).expect(200);
      expect((await ledgerOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE')).toHaveLength(1);
      expect(await auditDrift(t)).toEqual([]);
    });

    it("does not let another customer's read touch a reservation", async () => {
      const owner = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 4 });
      const reservation = await reserve(t, owner.sub, [line(variant, 3)]);
      await makeOverdue(t, reservation.id);

      expectProblem(await getReservation(reservation.id, newCustomer(t).auth), 404, 'NOT_FOUND');

      expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
    });

    it('answers 404 NOT_FOUND for an unknown id to an admin', async () => {
      const response = await getReservation(UNKNOWN_RESERVATION, t.admin);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each([
      'abc',
      '123',
      '00000000-0000-4000-8000-00000000000',
      '00000000-0000-4000-8000-0000000000000',
      'g0000000-0000-4000-8000-000000000000',
    ])('answers 400 VALIDATION_FAILED for the id %p', async (id) => {
      const response = await getReservation(id, t.customer(unique('customer')));

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'id');
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const variant = await newStockedVariant(t, { onHand: 1 });
      const reservation = await reserve(t, unique('customer'), [line(variant, 1)]);

      const response = await getReservation(reservation.id, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('answers 401 UNAUTHENTICATED for a malformed token', async () => {
      const response = await getReservation(UNKNOWN_RESERVATION, 'Bearer not-a-jwt');

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });
  });

  describe('reserve() through the facade', () => {
    it('merges lines of the same variant into one item, one RESERVE movement and one total', async () => {
      const owner = newCustomer(t);
      const first = await newStockedVariant(t, { onHand: 10 });
      const second = await newStockedVariant(t, { onHand: 10 });

      const reservation = await reserve(t, owner.sub, [
        line(second, 1),
        line(first, 2),
        line(second, 4),
        line(first, 1),
      ]);

      expect(reservation.items.map(({ variantId, quantity }) => ({ variantId, quantity }))).toEqual([
        { variantId: first.id, quantity: 3 },
        { variantId: second.id, quantity: 5 },
      ]);
      const read = await getReservation(reservation.id, owner.auth).expect(200);
      expect(read.body.items).toEqual([
        { variantId: first.id, sku: first.sku, quantity: 3, unitPrice: '10.00', lineTotal: '30.00' },
        { variantId: second.id, sku: second.sku, quantity: 5, unitPrice: '10.00', lineTotal: '50.00' },
      ]);
      expect(read.body.total).toBe('80.00');
      expect(await stockOf(t, first.id)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
      expect(await stockOf(t, second.id)).toMatchObject({ onHand: 10, reserved: 5, available: 5 });
      const reserveRows = (await ledgerOf(t, second.id)).filter((row) => row.reason === 'RESERVE');
      expect(reserveRows).toEqual([
        expect.objectContaining({ delta: 0, reservedDelta: 5, reservedAfter: 5, reservationId: reservation.id }),
      ]);
      expect(await auditDrift(t)).toEqual([]);
    });
  });
});
