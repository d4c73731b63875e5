import { createVariant } from '../support/catalog.factory';
import {
  auditDrift,
  createStockedVariant,
  deleteVariant,
  ledgerOf,
  line,
  reserve,
  setStock,
  StockedVariant,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem, PROBLEM_JSON } from '../support/problem';
import { startTestApp, TestApp, unique } from '../support/test-app';

const UNKNOWN_ID = 2_147_483_647;
const MAX_ON_HAND = 1_000_000_000;

describe('inventory stock', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const put = (variantId: number | string, body: unknown, authorization: string | null = t.admin) => {
    const request = t.http.put(`/api/inventory/${variantId}`);
    if (authorization) request.set('authorization', authorization);
    return request.send(body as object);
  };

  const adjust = (variantId: number | string, body: unknown, authorization: string | null = t.admin) => {
    const request = t.http.post(`/api/inventory/${variantId}/adjustments`);
    if (authorization) request.set('authorization', authorization);
    return request.send(body as object);
  };

  const movements = (variantId: number | string, query = '', authorization: string | null = t.admin) => {
    const request = t.http.get(`/api/inventory/${variantId}/movements${query}`);
    if (authorization) request.set('authorization', authorization);
    return request;
  };

  /** The stock and the ledger of a variant, to show that a refused request wrote nothing. */
  const snapshot = async (variant: StockedVariant) => ({
    stock: await stockOf(t, variant.id),
    ledger: await ledgerOf(t, variant.id),
  });

  describe('GET /api/inventory/:variantId', () => {
    it('answers zeros without a token for a live variant that was never stocked', async () => {
      const variant = await createVariant(t);

      const response = await t.http.get(`/api/inventory/${variant.id}`);

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toEqual({ variantId: variant.id, onHand: 0, reserved: 0, available: 0 });
    });

    it('answers on hand, reserved and available (on hand minus reserved)', async () => {
      const variant = await createStockedVariant(t, 10);
      await reserve(t, unique('owner'), [line(variant, 3)]);

      const response = await t.http.get(`/api/inventory/${variant.id}`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 10, reserved: 3, available: 7 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('accepts a trailing slash', async () => {
      const variant = await createStockedVariant(t, 4);

      const response = await t.http.get(`/api/inventory/${variant.id}/`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 4, reserved: 0, available: 4 });
    });

    it('answers 404 NOT_FOUND for an unknown variant', async () => {
      const response = await t.http.get(`/api/inventory/${UNKNOWN_ID}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a deleted variant, even one with stock', async () => {
      const variant = await createStockedVariant(t, 5);
      await deleteVariant(t, variant.id);

      const response = await t.http.get(`/api/inventory/${variant.id}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each(['abc', '0', '1e3', '-1', '1.5', '0x10', '2147483648', '99999999999'])(
      'answers 400 VALIDATION_FAILED for the variant id %p',
      async (variantId) => {
        const response = await t.http.get(`/api/inventory/${variantId}`);

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'variantId');
      },
    );

    it('answers a full RFC 9457 problem body', async () => {
      const response = await t.http.get(`/api/inventory/${UNKNOWN_ID}`);

      expect(response.headers['content-type']).toContain(PROBLEM_JSON);
      expect(response.body).toEqual({
        type: expect.any(String),
        title: expect.any(String),
        status: 404,
        detail: expect.any(String),
        code: 'NOT_FOUND',
        instance: `/api/inventory/${UNKNOWN_ID}`,
        requestId: expect.any(String),
      });
    });
  });

  describe('PUT /api/inventory/:variantId', () => {
    it('sets on hand of a never-stocked variant and records one COUNT movement with the difference', async () => {
      const variant = await createVariant(t);

      const response = await put(variant.id, { onHand: 7 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 7, reserved: 0, available: 7 });
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 7, reserved: 0, available: 7 });
      const ledger = await movements(variant.id).expect(200);
      expect(ledger.body.items).toEqual([
        {
          id: expect.any(Number),
          variantId: variant.id,
          reason: 'COUNT',
          delta: 7,
          reservedDelta: 0,
          onHandAfter: 7,
          reservedAfter: 0,
          reservationId: null,
          actor: 'admin-1',
          note: null,
          createdAt: expect.any(String),
        },
      ]);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('records a decrease as a negative COUNT delta', async () => {
      const variant = await createStockedVariant(t, 7);

      const response = await put(variant.id, { onHand: 4 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 4, reserved: 0, available: 4 });
      expect(await ledgerOf(t, variant.id)).toEqual([
        expect.objectContaining({ reason: 'COUNT', delta: 7, onHandAfter: 7 }),
        expect.objectContaining({ reason: 'COUNT', delta: -3, onHandAfter: 4, reservedAfter: 0 }),
      ]);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('writes no movement when the count equals the current on hand', async () => {
      const variant = await createStockedVariant(t, 6);

      const response = await put(variant.id, { onHand: 6 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 6, reserved: 0, available: 6 });
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('writes no movement when a never-stocked variant is counted at zero', async () => {
      const variant = await createVariant(t);

      const response = await put(variant.id, { onHand: 0 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 0, reserved: 0, available: 0 });
      expect(await ledgerOf(t, variant.id)).toEqual([]);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('keeps the reserved units and lets the count drop to exactly the reserved figure', async () => {
      const variant = await createStockedVariant(t, 10);
      await reserve(t, unique('owner'), [line(variant, 3)]);

      const response = await put(variant.id, { onHand: 3 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ variantId: variant.id, onHand: 3, reserved: 3, available: 0 });
      const ledger = await ledgerOf(t, variant.id);
      expect(ledger[ledger.length - 1]).toMatchObject({ reason: 'COUNT', delta: -7, onHandAfter: 3, reservedAfter: 3 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 CONFLICT for a count below the reserved units, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 10);
      await reserve(t, unique('owner'), [line(variant, 4)]);
      const before = await snapshot(variant);

      const response = await put(variant.id, { onHand: 3 });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshot(variant)).toEqual(before);
      expect(before.stock).toMatchObject({ onHand: 10, reserved: 4, available: 6 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('accepts the largest on hand, 1,000,000,000', async () => {
      const variant = await createVariant(t);

      const response = await put(variant.id, { onHand: MAX_ON_HAND });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        variantId: variant.id,
        onHand: MAX_ON_HAND,
        reserved: 0,
        available: MAX_ON_HAND,
      });
      expect(await auditDrift(t)).toEqual([]);
    });

    it.each([
      ['negative', { onHand: -1 }],
      ['not an integer', { onHand: 1.5 }],
      ['a numeric string', { onHand: '5' }],
      ['null', { onHand: null }],
      ['above 1,000,000,000', { onHand: MAX_ON_HAND + 1 }],
      ['missing', {}],
    ])('answers 400 VALIDATION_FAILED for an on hand that is %s, and writes nothing', async (_label, body) => {
      const variant = await createStockedVariant(t, 5);
      const before = await snapshot(variant);

      const response = await put(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'onHand');
      expect(await snapshot(variant)).toEqual(before);
    });

    it.each([
      ['reserved', { onHand: 5, reserved: 0 }],
      ['available', { onHand: 5, available: 5 }],
    ])('answers 400 VALIDATION_FAILED for the unknown field %s', async (field, body) => {
      const variant = await createStockedVariant(t, 2);
      const before = await snapshot(variant);

      const response = await put(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      expect(await snapshot(variant)).toEqual(before);
    });

    it('answers 400 VALIDATION_FAILED for a body that is not a JSON object', async () => {
      const variant = await createVariant(t);

      const response = await put(variant.id, [5]);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers 400 VALIDATION_FAILED for malformed JSON', async () => {
      const variant = await createVariant(t);

      const response = await t.http
        .put(`/api/inventory/${variant.id}`)
        .set('authorization', t.admin)
        .set('content-type', 'application/json')
        .send('{"onHand": ');

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers 400 VALIDATION_FAILED for a bad variant id', async () => {
      const response = await put('1e3', { onHand: 1 });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'variantId');
    });

    it('answers 404 NOT_FOUND for an unknown variant', async () => {
      const response = await put(UNKNOWN_ID, { onHand: 1 });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a deleted variant, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 3);
      await deleteVariant(t, variant.id);

      const response = await put(variant.id, { onHand: 9 });

      expectProblem(response, 404, 'NOT_FOUND');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });

    it('answers 401 UNAUTHENTICATED without a token, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 3);

      const response = await put(variant.id, { onHand: 9 }, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
    });

    it('answers 401 UNAUTHENTICATED for a malformed token', async () => {
      const variant = await createStockedVariant(t, 3);

      const response = await put(variant.id, { onHand: 9 }, 'Bearer not-a-jwt');

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
    });

    it('answers 403 FORBIDDEN for a customer token, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 3);

      const response = await put(variant.id, { onHand: 9 }, t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });
  });

  describe('POST /api/inventory/:variantId/adjustments', () => {
    it('adds units and answers 201 with the movement', async () => {
      const variant = await createStockedVariant(t, 10);

      const response = await adjust(variant.id, { delta: 5, reason: 'RESTOCK', note: 'Delivery 4711' });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        variantId: variant.id,
        reason: 'RESTOCK',
        delta: 5,
        reservedDelta: 0,
        onHandAfter: 15,
        reservedAfter: 0,
        reservationId: null,
        actor: 'admin-1',
        note: 'Delivery 4711',
        createdAt: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(response.body.createdAt))).toBe(false);
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 15, reserved: 0, available: 15 });
      const ledger = await ledgerOf(t, variant.id);
      expect(ledger).toHaveLength(2);
      expect(ledger[1]).toEqual(response.body);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('stocks a variant that was never stocked', async () => {
      const variant = await createVariant(t);

      const response = await adjust(variant.id, { delta: 3, reason: 'RESTOCK' });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ delta: 3, onHandAfter: 3, reservedAfter: 0, note: null });
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 3, reserved: 0, available: 3 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it.each([
      ['RESTOCK', 4, 14],
      ['RETURN', 2, 12],
      ['DAMAGE', -3, 7],
      ['ADJUSTMENT', 1, 11],
      ['ADJUSTMENT', -1, 9],
    ])('records %s with delta %p', async (reason, delta, onHandAfter) => {
      const variant = await createStockedVariant(t, 10);

      const response = await adjust(variant.id, { delta, reason });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ reason, delta, onHandAfter, reservedAfter: 0 });
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: onHandAfter, available: onHandAfter });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('trims the note and stores a blank one as null', async () => {
      const variant = await createStockedVariant(t, 1);

      const trimmed = await adjust(variant.id, { delta: 1, reason: 'RETURN', note: '  Parcel 12  ' });
      const blank = await adjust(variant.id, { delta: 1, reason: 'RETURN', note: '   ' });

      expect(trimmed.status).toBe(201);
      expect(trimmed.body.note).toBe('Parcel 12');
      expect(blank.status).toBe(201);
      expect(blank.body.note).toBeNull();
    });

    it('leaves the reserved units alone and may remove down to exactly the reserved figure', async () => {
      const variant = await createStockedVariant(t, 10);
      await reserve(t, unique('owner'), [line(variant, 8)]);

      const response = await adjust(variant.id, { delta: -2, reason: 'DAMAGE' });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ delta: -2, onHandAfter: 8, reservedAfter: 8 });
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 8, reserved: 8, available: 0 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it.each([
      ['RESTOCK', -1],
      ['RETURN', -2],
      ['DAMAGE', 1],
    ])(
      'answers 400 with a delta field error for %s in the wrong direction (%p), and writes nothing',
      async (reason, delta) => {
        const variant = await createStockedVariant(t, 10);
        const before = await snapshot(variant);

        const response = await adjust(variant.id, { delta, reason });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'delta');
        expect(await snapshot(variant)).toEqual(before);
      },
    );

    it.each([
      ['zero', 0],
      ['not an integer', 1.5],
      ['a numeric string', '5'],
      ['null', null],
      ['above 1,000,000,000', MAX_ON_HAND + 1],
      ['below -1,000,000,000', -MAX_ON_HAND - 1],
    ])('answers 400 VALIDATION_FAILED for a delta that is %s', async (_label, delta) => {
      const variant = await createStockedVariant(t, 10);
      const before = await snapshot(variant);

      const response = await adjust(variant.id, { delta, reason: 'ADJUSTMENT' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'delta');
      expect(await snapshot(variant)).toEqual(before);
    });

    it('answers 400 VALIDATION_FAILED for a missing delta', async () => {
      const variant = await createStockedVariant(t, 10);

      const response = await adjust(variant.id, { reason: 'RESTOCK' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'delta');
    });

    it.each([
      ['missing', undefined],
      ['unknown', 'THEFT'],
      ['in lower case', 'restock'],
      ['a reason the system records itself (SALE)', 'SALE'],
      ['a reason the system records itself (COUNT)', 'COUNT'],
      ['a reason the system records itself (RESERVE)', 'RESERVE'],
      ['null', null],
    ])('answers 400 VALIDATION_FAILED for a reason that is %s, and writes nothing', async (_label, reason) => {
      const variant = await createStockedVariant(t, 10);
      const before = await snapshot(variant);

      const response = await adjust(variant.id, { delta: 1, reason });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'reason');
      expect(await snapshot(variant)).toEqual(before);
    });

    it.each([
      ['reservedDelta', { delta: 1, reason: 'RESTOCK', reservedDelta: 1 }],
      ['actor', { delta: 1, reason: 'RESTOCK', actor: 'someone-else' }],
    ])('answers 400 VALIDATION_FAILED for the unknown field %s', async (field, body) => {
      const variant = await createStockedVariant(t, 10);
      const before = await snapshot(variant);

      const response = await adjust(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      expect(await snapshot(variant)).toEqual(before);
    });

    it('answers 400 VALIDATION_FAILED for a note longer than 500 characters', async () => {
      const variant = await createStockedVariant(t, 10);

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK', note: 'x'.repeat(501) });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'note');
    });

    it('answers 409 CONFLICT when the removal would go below the reserved units, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 10);
      await reserve(t, unique('owner'), [line(variant, 8)]);
      const before = await snapshot(variant);

      const response = await adjust(variant.id, { delta: -3, reason: 'DAMAGE' });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshot(variant)).toEqual(before);
      expect(before.stock).toMatchObject({ onHand: 10, reserved: 8 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 CONFLICT when the removal would go below zero, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 2);
      const before = await snapshot(variant);

      const response = await adjust(variant.id, { delta: -3, reason: 'ADJUSTMENT' });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshot(variant)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('accepts an addition up to exactly 1,000,000,000 on hand', async () => {
      const variant = await createStockedVariant(t, 10);

      const response = await adjust(variant.id, { delta: MAX_ON_HAND - 10, reason: 'RESTOCK' });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ onHandAfter: MAX_ON_HAND });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 CONFLICT when the addition would go above 1,000,000,000, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 10);
      const before = await snapshot(variant);

      const response = await adjust(variant.id, { delta: MAX_ON_HAND - 9, reason: 'RESTOCK' });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshot(variant)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND for an unknown variant', async () => {
      const response = await adjust(UNKNOWN_ID, { delta: 1, reason: 'RESTOCK' });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a deleted variant, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 3);
      await deleteVariant(t, variant.id);

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK' });

      expectProblem(response, 404, 'NOT_FOUND');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });

    it('answers 400 VALIDATION_FAILED for a bad variant id', async () => {
      const response = await adjust('abc', { delta: 1, reason: 'RESTOCK' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'variantId');
    });

    it('answers 401 UNAUTHENTICATED without a token, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 3);

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK' }, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });

    it('answers 403 FORBIDDEN for a customer token, and writes nothing', async () => {
      const variant = await createStockedVariant(t, 3);

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK' }, t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
    });
  });

  describe('GET /api/inventory/:variantId/movements', () => {
    /** A variant with five movements: COUNT 10, then RESTOCK 1, 2, 3 and DAMAGE -4. */
    const variantWithHistory = async () => {
      const variant = await createStockedVariant(t, 10);
      for (const delta of [1, 2, 3]) await adjust(variant.id, { delta, reason: 'RESTOCK' }).expect(201);
      await adjust(variant.id, { delta: -4, reason: 'DAMAGE' }).expect(201);
      return variant;
    };

    it('answers a page of the ledger, newest first, whose on-hand figures replay the deltas', async () => {
      const variant = await variantWithHistory();

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: expect.any(Array), total: 5, limit: 20, offset: 0 });
      const items = response.body.items as { id: number; reason: string; delta: number; onHandAfter: number }[];
      expect(items.map((item) => [item.reason, item.delta, item.onHandAfter])).toEqual([
        ['DAMAGE', -4, 12],
        ['RESTOCK', 3, 16],
        ['RESTOCK', 2, 13],
        ['RESTOCK', 1, 11],
        ['COUNT', 10, 10],
      ]);
      const ids = items.map((item) => item.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(await auditDrift(t)).toEqual([]);
    });

    it('pages with limit and offset, keeping the total', async () => {
      const variant = await variantWithHistory();

      const response = await movements(variant.id, '?limit=2&offset=1');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
      expect(response.body.items.map((item: { delta: number }) => item.delta)).toEqual([3, 2]);
      const past = await movements(variant.id, '?limit=2&offset=5').expect(200);
      expect(past.body).toEqual({ items: [], total: 5, limit: 2, offset: 5 });
    });

    it('answers an empty page for a live variant that was never stocked', async () => {
      const variant = await createVariant(t);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    });

    it("records a reservation's RESERVE movement with its reservation id", async () => {
      const variant = await createStockedVariant(t, 10);
      const reservation = await reserve(t, unique('owner'), [line(variant, 4)]);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body.total).toBe(2);
      expect(response.body.items[0]).toEqual({
        id: expect.any(Number),
        variantId: variant.id,
        reason: 'RESERVE',
        delta: 0,
        reservedDelta: 4,
        onHandAfter: 10,
        reservedAfter: 4,
        reservationId: reservation.id,
        actor: null,
        note: null,
        createdAt: expect.any(String),
      });
      expect(await auditDrift(t)).toEqual([]);
    });

    it("keeps a deleted variant's history readable", async () => {
      const variant = await variantWithHistory();
      const before = await movements(variant.id).expect(200);
      await deleteVariant(t, variant.id);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(before.body);
      expect(response.body.total).toBe(5);
    });

    it('answers an empty page, not 404, for a deleted variant that was never stocked', async () => {
      // It existed, so it is not "a variant that never existed"; its (empty) history stays readable.
      const variant = await createVariant(t);
      await deleteVariant(t, variant.id);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    });

    it('answers 404 NOT_FOUND for a variant that never existed', async () => {
      const response = await movements(UNKNOWN_ID);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each([
      ['limit', '?limit=0'],
      ['limit', '?limit=101'],
      ['limit', '?limit=abc'],
      ['limit', '?limit=1.5'],
      ['limit', '?limit=1e1'],
      ['offset', '?offset=-1'],
      ['offset', '?offset=x'],
    ])('answers 400 VALIDATION_FAILED for a bad %s (%s)', async (field, query) => {
      const variant = await createStockedVariant(t, 1);

      const response = await movements(variant.id, query);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('answers 400 VALIDATION_FAILED for an unknown query parameter', async () => {
      const variant = await createStockedVariant(t, 1);

      const response = await movements(variant.id, '?reason=COUNT');

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers 400 VALIDATION_FAILED for a bad variant id', async () => {
      const response = await movements('0');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'variantId');
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const variant = await createStockedVariant(t, 1);

      const response = await movements(variant.id, '', null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('answers 403 FORBIDDEN for a customer token', async () => {
      const variant = await createStockedVariant(t, 1);

      const response = await movements(variant.id, '', t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
    });
  });

  describe('GET /api/inventory/audit', () => {
    it('answers consistent with no drift in a healthy system', async () => {
      const variant = await createStockedVariant(t, 10);
      await reserve(t, unique('owner'), [line(variant, 2)]);
      await adjust(variant.id, { delta: -1, reason: 'DAMAGE' }).expect(201);
      await setStock(t, variant.id, 12);

      const response = await t.http.get('/api/inventory/audit').set('authorization', t.admin);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ consistent: true, drift: [], stuck: [] });
    });

    it('answers with a trailing slash too, never reading "audit" as a variant id', async () => {
      const response = await t.http.get('/api/inventory/audit/').set('authorization', t.admin);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ consistent: true, drift: [], stuck: [] });
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const response = await t.http.get('/api/inventory/audit');

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('answers 403 FORBIDDEN for a customer token', async () => {
      const response = await t.http.get('/api/inventory/audit').set('authorization', t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
    });
  });
});
