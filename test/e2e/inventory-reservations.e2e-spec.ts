import { ConfigService } from '@nestjs/config';
import { InsufficientStockError, InventoryService, ReservationView } from '../../src/inventory';
import { createVariant } from '../support/catalog.factory';
import {
  auditDrift,
  createStockedVariant,
  ledgerOf,
  line,
  makeOverdue,
  RecordedEvent,
  recordEvents,
  reserve,
  StockedVariant,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { startTestApp, TestApp, unique } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_RESERVATION = '00000000-0000-4000-8000-000000000000';

const CREATED = 'reservation.created';
const CONFIRMED = 'reservation.confirmed';
const RELEASED = 'reservation.released';

/** A released reservation's event says when it fell due and when its stock came back. */
const times = { expiresAt: expect.any(Date), closedAt: expect.any(Date) };

describe('inventory reservations', () => {
  let t: TestApp;
  let ttlSeconds: number;
  let currency: string;

  beforeAll(async () => {
    // A queue of its own and a far sweep: only the tests move these reservations.
    t = await startTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:reservations`,
      RESERVATION_SWEEP_SECONDS: '3600',
    });
    const config = t.app.get(ConfigService);
    ttlSeconds = Number(config.get('RESERVATION_TTL_SECONDS'));
    currency = String(config.get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  const withAuth = <R extends { set(name: string, value: string): R }>(request: R, authorization: string | null) =>
    authorization ? request.set('authorization', authorization) : request;

  const getReservation = (id: string, authorization: string | null) =>
    withAuth(t.http.get(`/api/reservations/${id}`), authorization);
  const confirm = (id: string, authorization: string | null = t.admin) =>
    withAuth(t.http.post(`/api/reservations/${id}/confirm`), authorization);
  const cancel = (id: string, authorization: string | null) =>
    withAuth(t.http.post(`/api/reservations/${id}/cancel`), authorization);

  /** A customer id and its token. */
  const newCustomer = () => {
    const id = unique('customer');
    return { id, token: t.customer(id) };
  };

  /** Stock and ledger of the variants, to show that a refused request changed nothing. */
  const snapshot = async (...variants: StockedVariant[]) =>
    Promise.all(
      variants.map(async (variant) => ({ stock: await stockOf(t, variant.id), ledger: await ledgerOf(t, variant.id) })),
    );

  const statusInDatabase = async (id: string): Promise<string | undefined> => {
    const rows: { status: string }[] = await t.dataSource.query(`SELECT status FROM reservations WHERE id = $1`, [id]);
    return rows[0]?.status;
  };

  /** Two variants (10 and 5 on hand) and an ACTIVE reservation of 3 and 2 units at 12.50 and 4.00. */
  const twoLineReservation = async (ownerId: string, ownerRef?: string) => {
    const first = await createStockedVariant(t, 10);
    const second = await createStockedVariant(t, 5);
    const reservation = await reserve(t, ownerId, [line(second, 2, '4.00'), line(first, 3, '12.50')], ownerRef);
    return { first, second, reservation };
  };

  describe('GET /api/reservations/:id', () => {
    it("answers the owner's reservation with its items, money as strings and the TTL", async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);

      const response = await getReservation(reservation.id, owner.token);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: reservation.id,
        status: 'ACTIVE',
        expiresAt: expect.any(String),
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
      expect(Math.abs(createdAt - Date.now())).toBeLessThan(60_000);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('uses the default TTL of 300 seconds unless RESERVATION_TTL_SECONDS says otherwise', () => {
      expect(ttlSeconds).toBe(Number(process.env.RESERVATION_TTL_SECONDS ?? 300));
    });

    it('formats whole amounts with two fraction digits', async () => {
      const owner = newCustomer();
      const variant = await createStockedVariant(t, 3);
      const reservation = await reserve(t, owner.id, [line(variant, 1)]);

      const response = await getReservation(reservation.id, owner.token);

      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([
        { variantId: variant.id, sku: variant.sku, quantity: 1, unitPrice: '10.00', lineTotal: '10.00' },
      ]);
      expect(response.body.total).toBe('10.00');
    });

    it('answers the same reservation as the facade returned when it reserved', async () => {
      const owner = newCustomer();
      const { reservation } = await twoLineReservation(owner.id);

      const response = await getReservation(reservation.id, owner.token);

      expect(response.body).toMatchObject({
        id: reservation.id,
        status: reservation.status,
        expiresAt: reservation.expiresAt.toISOString(),
        createdAt: reservation.createdAt.toISOString(),
        total: reservation.total.format(),
      });
    });

    it('keeps the SKU the variant had when it was reserved', async () => {
      const owner = newCustomer();
      const variant = await createStockedVariant(t, 3);
      const reservation = await reserve(t, owner.id, [line(variant, 1)]);
      await t.http
        .patch(`/api/products/variants/${variant.id}`)
        .set('authorization', t.admin)
        .send({ sku: unique('RENAMED').toUpperCase() })
        .expect(200);

      const response = await getReservation(reservation.id, owner.token);

      expect(response.body.items[0].sku).toBe(variant.sku);
    });

    it('accepts the id in upper case', async () => {
      const owner = newCustomer();
      const variant = await createStockedVariant(t, 3);
      const reservation = await reserve(t, owner.id, [line(variant, 1)]);

      const response = await getReservation(reservation.id.toUpperCase(), owner.token);

      expect(response.status).toBe(200);
      expect(response.body.id).toBe(reservation.id);
    });

    it("answers anyone's reservation to an admin", async () => {
      const { reservation } = await twoLineReservation(unique('customer'));

      const response = await getReservation(reservation.id, t.admin);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: reservation.id, status: 'ACTIVE', total: '45.50' });
    });

    it("answers 404 NOT_FOUND for another customer's reservation, exactly as for an unknown id", async () => {
      const { reservation } = await twoLineReservation(unique('customer'));
      const stranger = newCustomer();

      const foreign = await getReservation(reservation.id, stranger.token);
      const unknown = await getReservation(UNKNOWN_RESERVATION, stranger.token);

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
      const customer = newCustomer();
      const variant = await createStockedVariant(t, 4);
      const reservation = await reserve(t, customer.id, [line(variant, 3)], 'cart-7');
      await makeOverdue(t, reservation.id);
      const recorder = recordEvents(t, ['reservation.released']);

      try {
        const response = await getReservation(reservation.id, customer.token).expect(200);

        expect(response.body.status).toBe('EXPIRED');
        expect(response.body.closedAt).not.toBeNull();
        expect(recorder.events).toEqual([
          {
            name: 'reservation.released',
            payload: {
              reservationId: reservation.id,
              ownerId: customer.id,
              ownerRef: 'cart-7',
              reason: 'EXPIRED',
              ...times,
            },
          },
        ]);
      } finally {
        recorder.stop();
      }
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0 });
      const releases = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE');
      expect(releases).toHaveLength(1);
      await getReservation(reservation.id, customer.token).expect(200);
      expect((await ledgerOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE')).toHaveLength(1);
      expect(await auditDrift(t)).toEqual([]);
    });

    it("does not let another customer's read touch a reservation", async () => {
      const owner = newCustomer();
      const variant = await createStockedVariant(t, 4);
      const reservation = await reserve(t, owner.id, [line(variant, 3)]);
      await makeOverdue(t, reservation.id);

      expectProblem(await getReservation(reservation.id, newCustomer().token), 404, 'NOT_FOUND');

      expect(await statusInDatabase(reservation.id)).toBe('ACTIVE');
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
      const variant = await createStockedVariant(t, 1);
      const reservation = await reserve(t, unique('customer'), [line(variant, 1)]);

      const response = await getReservation(reservation.id, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('answers 401 UNAUTHENTICATED for a malformed token', async () => {
      const response = await getReservation(UNKNOWN_RESERVATION, 'Bearer not-a-jwt');

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST /api/reservations/:id/confirm', () => {
    it('sells the stock: status CONFIRMED, on hand and reserved drop, one SALE movement per variant', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);

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
      const read = await getReservation(reservation.id, owner.token).expect(200);
      expect(read.body).toEqual(response.body);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('leaves the units other reservations hold', async () => {
      const variant = await createStockedVariant(t, 10);
      const sold = await reserve(t, unique('customer'), [line(variant, 4)]);
      await reserve(t, unique('customer'), [line(variant, 5)]);

      await confirm(sold.id).expect(200);

      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 6, reserved: 5, available: 1 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 403 FORBIDDEN to a customer, even the owner, and changes nothing', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);
      const before = await snapshot(first, second);

      const response = await confirm(reservation.id, owner.token);

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await snapshot(first, second)).toEqual(before);
      expect(await statusInDatabase(reservation.id)).toBe('ACTIVE');
    });

    it('answers 409 RESERVATION_NOT_ACTIVE to a second confirm, and sells nothing more', async () => {
      const { first, second, reservation } = await twoLineReservation(unique('customer'));
      await confirm(reservation.id).expect(200);
      const before = await snapshot(first, second);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshot(first, second)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE after a cancel, and sells nothing', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);
      await cancel(reservation.id, owner.token).expect(200);
      const before = await snapshot(first, second);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshot(first, second)).toEqual(before);
      expect(await statusInDatabase(reservation.id)).toBe('CANCELLED');
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
      const { first, second, reservation } = await twoLineReservation(unique('customer'));
      const before = await snapshot(first, second);

      const response = await confirm(reservation.id, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await snapshot(first, second)).toEqual(before);
    });
  });

  describe('POST /api/reservations/:id/cancel', () => {
    it('releases the stock to the owner: status CANCELLED, one CANCEL movement per variant', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);

      const response = await cancel(reservation.id, owner.token);

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
          actor: owner.id,
        });
      }
      expect(await auditDrift(t)).toEqual([]);
    });

    it("lets an admin cancel anyone's reservation", async () => {
      const { first, reservation } = await twoLineReservation(unique('customer'));

      const response = await cancel(reservation.id, t.admin);

      expect(response.status).toBe(200);
      expect(response.body.status).toBe('CANCELLED');
      expect(await stockOf(t, first.id)).toMatchObject({ onHand: 10, reserved: 0 });
      const ledger = await ledgerOf(t, first.id);
      expect(ledger[ledger.length - 1]).toMatchObject({ reason: 'CANCEL', actor: 'admin-1' });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND to another customer, and changes nothing', async () => {
      const { first, second, reservation } = await twoLineReservation(unique('customer'));
      const before = await snapshot(first, second);

      const response = await cancel(reservation.id, newCustomer().token);

      expectProblem(response, 404, 'NOT_FOUND');
      expect(await snapshot(first, second)).toEqual(before);
      expect(await statusInDatabase(reservation.id)).toBe('ACTIVE');
    });

    it('answers 409 RESERVATION_NOT_ACTIVE to a second cancel, and releases nothing more', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);
      await cancel(reservation.id, owner.token).expect(200);
      const before = await snapshot(first, second);

      const response = await cancel(reservation.id, owner.token);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshot(first, second)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE after a confirm, and releases nothing', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);
      await confirm(reservation.id).expect(200);
      const before = await snapshot(first, second);

      const response = await cancel(reservation.id, owner.token);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await snapshot(first, second)).toEqual(before);
      expect(await statusInDatabase(reservation.id)).toBe('CONFIRMED');
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND for an unknown id', async () => {
      const response = await cancel(UNKNOWN_RESERVATION, newCustomer().token);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 400 VALIDATION_FAILED for a non-UUID id', async () => {
      const response = await cancel('not-a-uuid', newCustomer().token);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'id');
    });

    it('answers 401 UNAUTHENTICATED without a token, and changes nothing', async () => {
      const { first, second, reservation } = await twoLineReservation(unique('customer'));
      const before = await snapshot(first, second);

      const response = await cancel(reservation.id, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await snapshot(first, second)).toEqual(before);
    });
  });

  describe('a reservation past its expiry', () => {
    it('cannot be confirmed: 409 RESERVATION_NOT_ACTIVE, and it is EXPIRED with its stock released', async () => {
      const owner = newCustomer();
      const { first, second, reservation } = await twoLineReservation(owner.id);
      await makeOverdue(t, reservation.id);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      const read = await getReservation(reservation.id, owner.token).expect(200);
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
      const owner = newCustomer();
      const variant = await createStockedVariant(t, 4);
      const reservation = await reserve(t, owner.id, [line(variant, 4)]);
      await makeOverdue(t, reservation.id);

      const response = await cancel(reservation.id, owner.token);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect(await statusInDatabase(reservation.id)).toBe('EXPIRED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
      expect((await ledgerOf(t, variant.id)).map((row) => row.reason)).toEqual(['COUNT', 'RESERVE', 'EXPIRE']);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 RESERVATION_NOT_ACTIVE to every later confirm and writes no second EXPIRE movement', async () => {
      const variant = await createStockedVariant(t, 4);
      const reservation = await reserve(t, unique('customer'), [line(variant, 2)]);
      await makeOverdue(t, reservation.id);
      await confirm(reservation.id).expect(409);

      const response = await confirm(reservation.id);

      expectProblem(response, 409, 'RESERVATION_NOT_ACTIVE');
      expect((await ledgerOf(t, variant.id)).map((row) => row.reason)).toEqual(['COUNT', 'RESERVE', 'EXPIRE']);
      expect(await auditDrift(t)).toEqual([]);
    });
  });

  describe('reserve() through the facade', () => {
    it('fails with every short line listed and writes nothing', async () => {
      const owner = unique('customer');
      const short = await createStockedVariant(t, 5);
      const enough = await createStockedVariant(t, 3);
      const empty = await createStockedVariant(t, 0);
      const neverStocked = await createVariant(t);
      const before = await snapshot(short, enough, empty, neverStocked);

      const error = await reserve(t, owner, [
        line(neverStocked, 1),
        line(short, 7),
        line(enough, 3),
        line(empty, 2),
      ]).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InsufficientStockError);
      const lines = [...(error as InsufficientStockError).lines].sort((a, b) => a.variantId - b.variantId);
      expect(lines).toEqual(
        [
          { variantId: short.id, requested: 7, available: 5 },
          { variantId: empty.id, requested: 2, available: 0 },
          { variantId: neverStocked.id, requested: 1, available: 0 },
        ].sort((a, b) => a.variantId - b.variantId),
      );
      expect(await snapshot(short, enough, empty, neverStocked)).toEqual(before);
      const rows: unknown[] = await t.dataSource.query(`SELECT id FROM reservations WHERE owner_id = $1`, [owner]);
      expect(rows).toEqual([]);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('counts what other reservations hold as unavailable', async () => {
      const variant = await createStockedVariant(t, 5);
      await reserve(t, unique('customer'), [line(variant, 4)]);

      const error = await reserve(t, unique('customer'), [line(variant, 2)]).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InsufficientStockError);
      expect((error as InsufficientStockError).lines).toEqual([{ variantId: variant.id, requested: 2, available: 1 }]);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 4, available: 1 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('merges lines of the same variant into one item, one RESERVE movement and one total', async () => {
      const owner = newCustomer();
      const first = await createStockedVariant(t, 10);
      const second = await createStockedVariant(t, 10);

      const reservation = await reserve(t, owner.id, [
        line(second, 1),
        line(first, 2),
        line(second, 4),
        line(first, 1),
      ]);

      expect(reservation.items.map(({ variantId, quantity }) => ({ variantId, quantity }))).toEqual([
        { variantId: first.id, quantity: 3 },
        { variantId: second.id, quantity: 5 },
      ]);
      const read = await getReservation(reservation.id, owner.token).expect(200);
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

    it('judges merged duplicate lines by their sum', async () => {
      const variant = await createStockedVariant(t, 5);

      const error = await reserve(t, unique('customer'), [line(variant, 3), line(variant, 3)]).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(InsufficientStockError);
      expect((error as InsufficientStockError).lines).toEqual([{ variantId: variant.id, requested: 6, available: 5 }]);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 0 });
    });

    it('releases an overdue reservation of the variant in the same transaction', async () => {
      const variant = await createStockedVariant(t, 2);
      const overdue = await reserve(t, unique('customer'), [line(variant, 2)]);
      await makeOverdue(t, overdue.id);

      const fresh = await reserve(t, unique('customer'), [line(variant, 2)]);

      expect(fresh.status).toBe('ACTIVE');
      expect(await statusInDatabase(overdue.id)).toBe('EXPIRED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
      expect((await ledgerOf(t, variant.id)).map((row) => row.reason)).toEqual([
        'COUNT',
        'RESERVE',
        'EXPIRE',
        'RESERVE',
      ]);
      expect(await auditDrift(t)).toEqual([]);
    });
  });

  describe('domain events', () => {
    let recorder: ReturnType<typeof recordEvents> | undefined;

    afterEach(() => {
      recorder?.stop();
      recorder = undefined;
    });

    /** Records the three events; each one also notes the reservation's status as another connection sees it. */
    const record = () => {
      const seen: Promise<string | undefined>[] = [];
      recorder = recordEvents(t, [CREATED, CONFIRMED, RELEASED], (event: RecordedEvent) => {
        seen.push(statusInDatabase(String(event.payload.reservationId)));
      });
      const events = recorder.events;
      const of = (id: string) => events.filter((event) => event.payload.reservationId === id);
      return { events, of, seenStatuses: () => Promise.all(seen) };
    };

    it('emits reservation.created with the owner and the owner reference after the commit', async () => {
      const { events, of, seenStatuses } = record();
      const inventory = t.app.get(InventoryService);
      const variant = await createStockedVariant(t, 3);
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      let eventsInsideTransaction = -1;

      const reservation = await t.dataSource.transaction(async (tx) => {
        const reserved = await inventory.reserve(tx, { ownerId, ownerRef, lines: [line(variant, 1)] });
        eventsInsideTransaction = events.filter((event) => event.payload.ownerId === ownerId).length;
        return reserved;
      });

      expect(eventsInsideTransaction).toBe(0);
      expect(of(reservation.id)).toEqual([
        { name: CREATED, payload: { reservationId: reservation.id, ownerId, ownerRef } },
      ]);
      expect(await seenStatuses()).toEqual(['ACTIVE']);
    });

    it('emits reservation.created with a null owner reference when none was given', async () => {
      const { of } = record();
      const variant = await createStockedVariant(t, 3);
      const ownerId = unique('customer');

      const reservation = await reserve(t, ownerId, [line(variant, 1)]);

      expect(of(reservation.id)).toEqual([
        { name: CREATED, payload: { reservationId: reservation.id, ownerId, ownerRef: null } },
      ]);
    });

    it('emits nothing, stores nothing and moves no stock when the surrounding transaction rolls back', async () => {
      const { events } = record();
      const inventory = t.app.get(InventoryService);
      const variant = await createStockedVariant(t, 3);
      const before = await snapshot(variant);
      const ownerId = unique('customer');
      let reserved: ReservationView | undefined;

      const outcome = t.dataSource.transaction(async (tx) => {
        reserved = await inventory.reserve(tx, { ownerId, ownerRef: unique('cart'), lines: [line(variant, 2)] });
        throw new Error('the caller failed after reserving');
      });

      await expect(outcome).rejects.toThrow('the caller failed after reserving');
      expect(reserved?.status).toBe('ACTIVE');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events.filter((event) => event.payload.ownerId === ownerId)).toEqual([]);
      expect(await statusInDatabase(reserved!.id)).toBeUndefined();
      const rows: unknown[] = await t.dataSource.query(`SELECT id FROM reservations WHERE owner_id = $1`, [ownerId]);
      expect(rows).toEqual([]);
      expect(await snapshot(variant)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('emits reservation.confirmed once, after the commit', async () => {
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      const { reservation } = await twoLineReservation(ownerId, ownerRef);
      const { of, seenStatuses } = record();

      await confirm(reservation.id).expect(200);
      await confirm(reservation.id).expect(409);

      expect(of(reservation.id)).toEqual([
        { name: CONFIRMED, payload: { reservationId: reservation.id, ownerId, ownerRef } },
      ]);
      expect(await seenStatuses()).toEqual(['CONFIRMED']);
    });

    it('emits reservation.released with reason CANCELLED once, after the commit', async () => {
      const owner = newCustomer();
      const ownerRef = unique('cart');
      const { reservation } = await twoLineReservation(owner.id, ownerRef);
      const { of, seenStatuses } = record();

      await cancel(reservation.id, owner.token).expect(200);
      await cancel(reservation.id, owner.token).expect(409);

      expect(of(reservation.id)).toEqual([
        {
          name: RELEASED,
          payload: { reservationId: reservation.id, ownerId: owner.id, ownerRef, reason: 'CANCELLED', ...times },
        },
      ]);
      expect(await seenStatuses()).toEqual(['CANCELLED']);
    });

    it('emits reservation.released with reason EXPIRED when a confirm finds it overdue', async () => {
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      const { reservation } = await twoLineReservation(ownerId, ownerRef);
      await makeOverdue(t, reservation.id);
      const { of, seenStatuses } = record();

      await confirm(reservation.id).expect(409);

      expect(of(reservation.id)).toEqual([
        { name: RELEASED, payload: { reservationId: reservation.id, ownerId, ownerRef, reason: 'EXPIRED', ...times } },
      ]);
      expect(await seenStatuses()).toEqual(['EXPIRED']);
    });

    it('emits no event for a refused transition', async () => {
      const owner = newCustomer();
      const { reservation } = await twoLineReservation(owner.id);
      const { of } = record();

      await confirm(reservation.id, owner.token).expect(403);
      await cancel(reservation.id, newCustomer().token).expect(404);

      expect(of(reservation.id)).toEqual([]);
    });
  });
});
