import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { expireJobId, RESERVATIONS_QUEUE } from '../../src/inventory/reservations/reservation-expiry.queue';
import { newVariant } from '../support/catalog.factory';
import { UNKNOWN_INT_ID } from '../support/ids';
import {
  auditDrift,
  deleteVariant,
  inventoryRequests,
  line,
  moveExpiry,
  newStockedVariant,
  reserve,
  setStock,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { queuePrefix, startTestApp, TestApp, unique } from '../support/test-app';
import { eventually } from '../support/wait';

/** A reservation's status over the API, whose read expires an overdue reservation itself. */
async function reservationStatus(t: TestApp, id: string): Promise<string> {
  const response = await t.http.get(`/api/reservations/${id}`).set('authorization', t.admin).expect(200);
  return response.body.status;
}

describe('inventory stock', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const { adjust, movements } = inventoryRequests(() => t);

  describe('GET /api/inventory/:variantId/movements', () => {
    /** A variant with five movements: COUNT 10, then RESTOCK 1, 2, 3 and DAMAGE -4. */
    const variantWithHistory = async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
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
      const variant = await newVariant(t);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    });

    it("records a reservation's RESERVE movement with its reservation id", async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const reservation = await reserve(t, unique('owner'), [line(variant, 4)]);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body.total).toBe(2);
      expect(response.body.items[0]).toEqual({
        id: expect.any(Number),
        variantId: variant.id,
        location: 'DEFAULT',
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
      const variant = await newVariant(t);
      await deleteVariant(t, variant.id);

      const response = await movements(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    });

    it('answers 404 NOT_FOUND for a variant that never existed', async () => {
      const response = await movements(UNKNOWN_INT_ID);

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
      const variant = await newStockedVariant(t, { onHand: 1 });

      const response = await movements(variant.id, query);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('answers 400 VALIDATION_FAILED for an unknown query parameter', async () => {
      const variant = await newStockedVariant(t, { onHand: 1 });

      const response = await movements(variant.id, '?reason=COUNT');

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers 400 VALIDATION_FAILED for a bad variant id', async () => {
      const response = await movements('0');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'variantId');
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const variant = await newStockedVariant(t, { onHand: 1 });

      const response = await movements(variant.id, '', null);

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('answers 403 FORBIDDEN for a customer token', async () => {
      const variant = await newStockedVariant(t, { onHand: 1 });

      const response = await movements(variant.id, '', t.customer(unique('customer')));

      expectProblem(response, 403, 'FORBIDDEN');
    });
  });

  describe('GET /api/inventory/audit', () => {
    it('answers consistent with no drift in a healthy system', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
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

describe('the audit of stuck reservations', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing releases a reservation here unless asked: the sweep is an hour away.
    t = await startTestApp({
      QUEUE_PREFIX: queuePrefix('stuck'),
      RESERVATION_SWEEP_SECONDS: '3600',
      RESERVATION_STUCK_GRACE_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists an ACTIVE reservation past its expiry and the grace, and is not consistent until it is released', async () => {
    const queue = t.app.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
    const variant = await newStockedVariant(t, { onHand: 2 });
    const reservation = await reserve(t, unique('stuck'), [line(variant, 1)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);
    await (await queue.getJob(expireJobId(reservation.id)))!.remove();
    // What a lost job and a sweep that never runs leave behind, some seconds on.
    await moveExpiry(t, reservation.id, -5000);

    const stuck = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);

    expect(stuck.body.consistent).toBe(false);
    expect(stuck.body.stuck).toContainEqual({ reservationId: reservation.id, expiresAt: expect.any(String) });

    expect(await reservationStatus(t, reservation.id)).toBe('EXPIRED');
    const after = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
    expect(after.body.stuck).not.toContainEqual(expect.objectContaining({ reservationId: reservation.id }));
  });
});
