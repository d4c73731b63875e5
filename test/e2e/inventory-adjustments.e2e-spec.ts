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
import { expectFieldError, expectProblem } from '../support/problem';
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

  const { adjust } = inventoryRequests(() => t);

  describe('POST /api/inventory/:variantId/adjustments', () => {
    it('adds units and answers 201 with the movement', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await adjust(variant.id, { delta: 5, reason: 'RESTOCK', note: 'Delivery 4711' });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        variantId: variant.id,
        location: 'DEFAULT',
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
      const variant = await newVariant(t);

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
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await adjust(variant.id, { delta, reason });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ reason, delta, onHandAfter, reservedAfter: 0 });
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: onHandAfter, available: onHandAfter });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('trims the note and stores a blank one as null', async () => {
      const variant = await newStockedVariant(t, { onHand: 1 });

      const trimmed = await adjust(variant.id, { delta: 1, reason: 'RETURN', note: '  Parcel 12  ' });
      const blank = await adjust(variant.id, { delta: 1, reason: 'RETURN', note: '   ' });

      expect(trimmed.status).toBe(201);
      expect(trimmed.body.note).toBe('Parcel 12');
      expect(blank.status).toBe(201);
      expect(blank.body.note).toBeNull();
    });

    it('leaves the reserved units alone and may remove down to exactly the reserved figure', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
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
        const variant = await newStockedVariant(t, { onHand: 10 });
        const before = await snapshotOf(t, variant);

        const response = await adjust(variant.id, { delta, reason });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'delta');
        expect(await snapshotOf(t, variant)).toEqual(before);
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
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await snapshotOf(t, variant);

      const response = await adjust(variant.id, { delta, reason: 'ADJUSTMENT' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'delta');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('answers 400 VALIDATION_FAILED for a missing delta', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

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
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await snapshotOf(t, variant);

      const response = await adjust(variant.id, { delta: 1, reason });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'reason');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it.each([
      ['reservedDelta', { delta: 1, reason: 'RESTOCK', reservedDelta: 1 }],
      ['actor', { delta: 1, reason: 'RESTOCK', actor: 'someone-else' }],
    ])('answers 400 VALIDATION_FAILED for the unknown field %s', async (field, body) => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await snapshotOf(t, variant);

      const response = await adjust(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('answers 400 VALIDATION_FAILED for a note longer than 500 characters', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK', note: 'x'.repeat(501) });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'note');
    });

    it('answers 409 CONFLICT when the removal would go below the reserved units, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      await reserve(t, unique('owner'), [line(variant, 8)]);
      const before = await snapshotOf(t, variant);

      const response = await adjust(variant.id, { delta: -3, reason: 'DAMAGE' });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshotOf(t, variant)).toEqual(before);
      expect(before.stock).toMatchObject({ onHand: 10, reserved: 8 });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 CONFLICT when the removal would go below zero, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 2 });
      const before = await snapshotOf(t, variant);

      const response = await adjust(variant.id, { delta: -3, reason: 'ADJUSTMENT' });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshotOf(t, variant)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('accepts an addition up to exactly 1,000,000,000 on hand', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await adjust(variant.id, { delta: MAX_ON_HAND - 10, reason: 'RESTOCK' });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ onHandAfter: MAX_ON_HAND });
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 409 CONFLICT when the addition would go above 1,000,000,000, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await snapshotOf(t, variant);

      const response = await adjust(variant.id, { delta: MAX_ON_HAND - 9, reason: 'RESTOCK' });

      expectProblem(response, 409, 'CONFLICT');
      expect(await snapshotOf(t, variant)).toEqual(before);
      expect(await auditDrift(t)).toEqual([]);
    });

    it('answers 404 NOT_FOUND for an unknown variant', async () => {
      const response = await adjust(UNKNOWN_INT_ID, { delta: 1, reason: 'RESTOCK' });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 NOT_FOUND for a deleted variant, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });
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
      const variant = await newStockedVariant(t, { onHand: 3 });

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK' }, null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
    });

    it('answers 403 FORBIDDEN for a customer token, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      const response = await adjust(variant.id, { delta: 1, reason: 'RESTOCK' }, t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await ledgerOf(t, variant.id)).toHaveLength(1);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3 });
    });
  });
});
