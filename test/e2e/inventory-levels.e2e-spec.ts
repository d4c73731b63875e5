import { newVariant } from '../support/catalog.factory';
import { UNKNOWN_INT_ID } from '../support/ids';
import {
  auditDrift,
  deleteVariant,
  inventoryRequests,
  ledgerOf,
  line,
  newStockedVariant,
  reserve,
  snapshotOf,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem, PROBLEM_JSON } from '../support/problem';
import { startTestApp, TestApp, unique } from '../support/test-app';

const MAX_ON_HAND = 1_000_000_000;

describe('inventory stock', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const { put, movements } = inventoryRequests(() => t);

  describe('GET /api/inventory/:variantId', () => {
    it('answers zeros without a token for a live variant that was never stocked', async () => {
      const variant = await newVariant(t);

      const response = await t.http.get(`/api/inventory/${variant.id}`);

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 0, reserved: 0, available: 0 });
    });

    it('answers on hand, reserved and available (on hand minus reserved)', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      await reserve(t, unique('owner'), [line(variant, 3)]);

      const response = await t.http.get(`/api/inventory/${variant.id}`);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 10, reserved: 3, available: 7 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('accepts a trailing slash', async () => {
      const variant = await newStockedVariant(t, { onHand: 4 });

      const response = await t.http.get(`/api/inventory/${variant.id}/`);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 4, reserved: 0, available: 4 });
    });

    it('answers 404 NOT_FOUND for an unknown variant', async () => {
      const response = await t.http.get(`/api/inventory/${UNKNOWN_INT_ID}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a deleted variant, even one with stock', async () => {
      const variant = await newStockedVariant(t, { onHand: 5 });
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
      const response = await t.http.get(`/api/inventory/${UNKNOWN_INT_ID}`);

      expect(response.headers['content-type']).toContain(PROBLEM_JSON);
      expect(response.body).toEqual({
        type: expect.any(String),
        title: expect.any(String),
        status: 404,
        detail: expect.any(String),
        code: 'NOT_FOUND',
        instance: `/api/inventory/${UNKNOWN_INT_ID}`,
        requestId: expect.any(String),
      });
    });
  });

  describe('PUT /api/inventory/:variantId', () => {
    it('sets on hand of a never-stocked variant and records one COUNT movement with the difference', async () => {
      const variant = await newVariant(t);

      const response = await put(variant.id, { onHand: 7 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 7, reserved: 0, available: 7 });
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 7, reserved: 0, available: 7 });
      const ledger = await movements(variant.id).expect(200);
      expect(ledger.body.items).toEqual([
        {
          id: expect.any(Number),
          variantId: variant.id,
          location: 'DEFAULT',
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
      const variant = await newStockedVariant(t, { onHand: 7 });

      const response = await put(variant.id, { onHand: 4 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 4, reserved: 0, available: 4 });
      expect(await ledgerOf(t, variant.id)).toEqual([
        expect.objectContaining({ reason: 'COUNT', delta: 7, onHandAfter: 7 }),
        expect.objectContaining({ reason: 'COUNT', delta: -3, onHandAfter: 4, reservedAfter: 0 }),
      ]);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('writes no movement when the count equals the current on hand', async () => {
      const variant = await newStockedVariant(t, { onHand: 6 });

      const response = await put(variant.id, { onHand: 6 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 6, reserved: 0, available: 6 });
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('writes no movement when a never-stocked variant is counted at zero', async () => {
      const variant = await newVariant(t);

      const response = await put(variant.id, { onHand: 0 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 0, reserved: 0, available: 0 });
      expect(await ledgerOf(t, variant.id)).toEqual([]);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('keeps the reserved units and lets the count drop to exactly the reserved figure', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      await reserve(t, unique('owner'), [line(variant, 3)]);

      const response = await put(variant.id, { onHand: 3 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 3, reserved: 3, available: 0 });
      const ledger = await ledgerOf(t, variant.id);
      expect(ledger[ledger.length - 1]).toMatchObject({ reason: 'COUNT', delta: -7, onHandAfter: 3, reservedAfter: 3 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 CONFLICT for a count below the reserved units, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      await reserve(t, unique('owner'), [line(variant, 4)]);
      const before = await snapshotOf(t, variant);

      const response = await put(variant.id, { onHand: 3 });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshotOf(t, variant)).toEqual(before);
      expect(before.stock).toMatchObject({ onHand: 10, reserved: 4, available: 6 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('accepts the largest on hand, 1,000,000,000', async () => {
      const variant = await newVariant(t);

      const response = await put(variant.id, { onHand: MAX_ON_HAND });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
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
      const variant = await newStockedVariant(t, { onHand: 5 });
      const before = await snapshotOf(t, variant);

      const response = await put(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'onHand');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it.each([
      ['reserved', { onHand: 5, reserved: 0 }],
      ['available', { onHand: 5, available: 5 }],
    ])('answers 400 VALIDATION_FAILED for the unknown field %s', async (field, body) => {
      const variant = await newStockedVariant(t, { onHand: 2 });
      const before = await snapshotOf(t, variant);

      const response = await put(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('answers 400 VALIDATION_FAILED for a body that is not a JSON object', async () => {
      const variant = await newVariant(t);

      const response = await put(variant.id, [5]);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers 400 VALIDATION_FAILED for malformed JSON', async () => {
      const variant = await newVariant(t);

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
      const response = await put(UNKNOWN_INT_ID, { onHand: 1 });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a deleted variant, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });
      await deleteVariant(t, variant.id);

      const response = await put(variant.id, { onHand: 9 });

      expectProblem(response, 404, 'NOT_FOUND');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });

    it('answers 401 UNAUTHENTICATED without a token, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      const response = await put(variant.id, { onHand: 9 }, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
    });

    it('answers 401 UNAUTHENTICATED for a malformed token', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      const response = await put(variant.id, { onHand: 9 }, 'Bearer not-a-jwt');

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
    });

    it('answers 403 FORBIDDEN for a customer token, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      const response = await put(variant.id, { onHand: 9 }, t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });
  });
});
