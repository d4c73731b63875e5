import { newVariant } from '../support/catalog.factory';
import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_INT_ID } from '../support/ids';
import {
  deleteVariant,
  fetchStockLevel,
  inventoryRequests,
  line,
  newStockedVariant,
  reservationRequests,
  reserve,
  StockedVariant,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { queuePrefix, startIsolatedTestApp, startQuietTestApp, TestApp, unique } from '../support/test-app';

async function expectConsistent(app: TestApp): Promise<void> {
  const audit = await app.http.get('/api/inventory/audit').set('authorization', app.admin).expect(200);
  expect(audit.body).toEqual({ consistent: true, drift: [], stuck: [] });
}

/**
 * The HTTP contract of the stock-state routes: the state a limits write answers with,
 * the holds and state-changes pages, the list by state; status codes and problem bodies.
 * The rules behind them (which writes cross a threshold, what each crossing records and
 * announces, which reservations hold units) are proven on the inventory module in
 * test/medium/stock-states.
 */
describe('stock states over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('stock-states');
  });

  afterEach(async () => {
    await expectConsistent(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const { adjust } = inventoryRequests(() => t);
  const { cancel } = reservationRequests(() => t);
  const setLimits = (variantId: number, body: object) =>
    t.http.put(`/api/inventory/${variantId}/limits`).set('authorization', t.admin).send(body);

  describe('PUT /api/inventory/:variantId/limits', () => {
    it('answers 200 with the state the new threshold makes, the threshold and the new ETag', async () => {
      const variant = await newStockedVariant(t, { onHand: 8 });
      const before = await fetchStockLevel(t, variant.id);

      const response = await setLimits(variant.id, { lowStockThreshold: 8 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        variantId: variant.id,
        onHand: 8,
        reserved: 0,
        available: 8,
        state: 'LOW_STOCK',
        limits: { lowStockThreshold: 8 },
      });
      expect(response.headers.etag).toBe(`"${response.body.version}"`);
      expect(response.headers.etag).not.toBe(before.etag);
      expect(await fetchStockLevel(t, variant.id)).toMatchObject({ state: 'LOW_STOCK', etag: response.headers.etag });
    });
  });

  describe('GET /api/inventory/:variantId/holds', () => {
    const holdsOf = (variantId: number, query = '', authorization: string | null = t.admin) => {
      const request = t.http.get(`/api/inventory/${variantId}/holds${query}`);
      return authorization ? request.set('authorization', authorization) : request;
    };
    const holdOf = (reservation: Awaited<ReturnType<typeof reserve>>, quantity: number) => ({
      reservationId: reservation.id,
      ownerId: reservation.ownerId,
      quantity,
      expiresAt: reservation.expiresAt.toISOString(),
      createdAt: reservation.createdAt.toISOString(),
    });
    const sumOf = (items: { quantity: number }[]) => items.reduce((sum, item) => sum + item.quantity, 0);

    it('pages with limit and offset, the total counting every hold', async () => {
      const variant = await newStockedVariant(t, { onHand: 30 });
      const holds = [];
      for (const quantity of [1, 2, 3, 4, 5]) {
        holds.push(holdOf(await reserve(t, unique('holder'), [line(variant, quantity)]), quantity));
      }

      const pages = await Promise.all(
        ['?limit=2', '?limit=2&offset=2', '?limit=2&offset=4', '?offset=5'].map((query) => holdsOf(variant.id, query)),
      );

      expect(pages.map((page) => page.status)).toEqual([200, 200, 200, 200]);
      expect(pages.map((page) => page.body.items)).toEqual([holds.slice(0, 2), holds.slice(2, 4), holds.slice(4), []]);
      expect(pages.map((page) => [page.body.total, page.body.limit, page.body.offset])).toEqual([
        [5, 2, 0],
        [5, 2, 2],
        [5, 2, 4],
        [5, 20, 5],
      ]);
      expect(sumOf(pages.flatMap((page) => page.body.items))).toBe((await fetchStockLevel(t, variant.id)).reserved);
    });

    it('answers an empty page for a variant nobody holds, also for a deleted one', async () => {
      const variant = await newStockedVariant(t, { onHand: 4 });
      const deleted = await newStockedVariant(t, { onHand: 4 });
      await deleteVariant(t, deleted.id);

      for (const id of [variant.id, deleted.id]) {
        const response = await holdsOf(id);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
      }
    });

    it('answers 404 NOT_FOUND for a variant that never existed', async () => {
      expectProblem(await holdsOf(UNKNOWN_INT_ID), 404, 'NOT_FOUND');
    });

    it('answers 403 FORBIDDEN to a customer and 401 without a token', async () => {
      const variant = await newStockedVariant(t, { onHand: 4 });
      const owner = newCustomer(t);
      await reserve(t, owner.sub, [line(variant, 1)]);

      expectProblem(await holdsOf(variant.id, '', owner.auth), 403, 'FORBIDDEN');
      expectProblem(await holdsOf(variant.id, '', null), 401, 'UNAUTHENTICATED');
    });

    it('answers 400 VALIDATION_FAILED for a bad limit', async () => {
      const variant = await newStockedVariant(t, { onHand: 4 });

      const response = await holdsOf(variant.id, '?limit=0');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'limit');
    });
  });

  describe('GET /api/inventory/:variantId/state-changes', () => {
    const changesOf = (variantId: number, query = '', authorization: string | null = t.admin) => {
      const request = t.http.get(`/api/inventory/${variantId}/state-changes${query}`);
      return authorization ? request.set('authorization', authorization) : request;
    };

    it('lists the recorded changes newest first, paged, as the table holds them', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const owner = newCustomer(t);
      await adjust(variant.id, { delta: -5, reason: 'DAMAGE' }).expect(201);
      const reservation = await reserve(t, owner.sub, [line(variant, 5)]);
      await cancel(reservation.id, owner.auth).expect(200);

      const all = await changesOf(variant.id).expect(200);

      expect(all.body).toMatchObject({ total: 3, limit: 20, offset: 0 });
      expect(
        all.body.items.map((change: { from: string; to: string; event: string; cause: string }) => [
          change.from,
          change.to,
          change.event,
          change.cause,
        ]),
      ).toEqual([
        ['OUT_OF_STOCK', 'LOW_STOCK', 'stock.back_in_stock', 'CANCEL'],
        ['LOW_STOCK', 'OUT_OF_STOCK', 'stock.out', 'RESERVE'],
        ['IN_STOCK', 'LOW_STOCK', 'stock.low', 'DAMAGE'],
      ]);
      expect(all.body.items[1]).toMatchObject({ variantId: variant.id, onHand: 5, reserved: 5 });
      const page = await changesOf(variant.id, '?limit=1&offset=1').expect(200);
      expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(page.body.items).toEqual([all.body.items[1]]);
    });

    it('answers an empty page for a variant whose state never changed, and 404 for an unknown one', async () => {
      const variant = await newStockedVariant(t, { onHand: 50 });

      expect((await changesOf(variant.id).expect(200)).body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
      expectProblem(await changesOf(UNKNOWN_INT_ID), 404, 'NOT_FOUND');
    });

    it('answers 403 FORBIDDEN to a customer and 401 without a token', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      expectProblem(await changesOf(variant.id, '', newCustomer(t).auth), 403, 'FORBIDDEN');
      expectProblem(await changesOf(variant.id, '', null), 401, 'UNAUTHENTICATED');
    });
  });
});

describe('GET /api/inventory?state=', () => {
  let t: TestApp;
  const variants: Record<string, StockedVariant> = {};

  beforeAll(async () => {
    t = await startIsolatedTestApp('stock-states-list', {
      QUEUE_PREFIX: queuePrefix('stock-states-list'),
      RESERVATION_SWEEP_SECONDS: '3600',
    });
    const stocked = async (name: string, onHand: number, setUp?: (variant: StockedVariant) => Promise<unknown>) => {
      variants[name] = await newStockedVariant(t, { onHand });
      await setUp?.(variants[name]);
    };
    const threshold = (lowStockThreshold: number) => (variant: StockedVariant) =>
      t.http
        .put(`/api/inventory/${variant.id}/limits`)
        .set('authorization', t.admin)
        .send({ lowStockThreshold })
        .expect(200);
    await stocked('outHeld', 4, (variant) => reserve(t, unique('buyer'), [line(variant, 4)]));
    await stocked('outEmpty', 0);
    await stocked('lowFive', 5);
    await stocked('lowThree', 3);
    await stocked('lowOne', 1);
    await stocked('lowHeld', 9, (variant) => reserve(t, unique('buyer'), [line(variant, 5)]));
    await stocked('lowThreeAgain', 3);
    await stocked('lowByThreshold', 50, threshold(60));
    await stocked('inByThreshold', 3, threshold(0));
    await stocked('inHundred', 100);
    await stocked('inSix', 6);
    await stocked('deletedLow', 2, (variant) => deleteVariant(t, variant.id));
    await stocked('deletedOut', 0, (variant) => deleteVariant(t, variant.id));
    await newVariant(t);
  });

  afterEach(async () => {
    await expectConsistent(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const list = (query: string, authorization: string | null = t.admin) => {
    const request = t.http.get(`/api/inventory${query}`);
    return authorization ? request.set('authorization', authorization) : request;
  };
  const idsOf = (...names: string[]) => names.map((name) => variants[name].id);
  const listedIds = (body: { items: { variantId: number }[] }) => body.items.map((item) => item.variantId);

  it('lists the LOW_STOCK variants, fewest available first (ties by variant id), deleted ones left out', async () => {
    const response = await list('?state=LOW_STOCK');

    expect(response.status).toBe(200);
    expect(listedIds(response.body)).toEqual(
      idsOf('lowOne', 'lowThree', 'lowThreeAgain', 'lowHeld', 'lowFive', 'lowByThreshold'),
    );
    expect(response.body).toMatchObject({ total: 6, limit: 20, offset: 0 });
    expect(response.body.items.map((item: { available: number }) => item.available)).toEqual([1, 3, 3, 4, 5, 50]);
    for (const item of response.body.items) expect(item.state).toBe('LOW_STOCK');
    expect(response.body.items[3]).toEqual({
      variantId: variants.lowHeld.id,
      onHand: 9,
      reserved: 5,
      available: 4,
      state: 'LOW_STOCK',
      version: expect.any(Number),
      limits: { maxPerOrder: null, maxPerCustomer: null, windowSeconds: null, lowStockThreshold: null },
      asOf: expect.any(String),
    });
  });

  it('lists the OUT_OF_STOCK variants that are stocked and still sold', async () => {
    const response = await list('?state=OUT_OF_STOCK');

    expect(response.status).toBe(200);
    expect(listedIds(response.body)).toEqual(idsOf('outHeld', 'outEmpty'));
    expect(response.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect(response.body.items.map((item: { state: string }) => item.state)).toEqual(['OUT_OF_STOCK', 'OUT_OF_STOCK']);
  });

  it('lists the IN_STOCK variants, each judged by its own threshold', async () => {
    const response = await list('?state=IN_STOCK');

    expect(response.status).toBe(200);
    expect(listedIds(response.body)).toEqual(idsOf('inByThreshold', 'inSix', 'inHundred'));
    expect(response.body).toMatchObject({ total: 3, limit: 20, offset: 0 });
  });

  it('agrees with the state each variant answers on its own', async () => {
    for (const state of ['LOW_STOCK', 'OUT_OF_STOCK', 'IN_STOCK']) {
      const { body } = await list(`?state=${state}`).expect(200);
      for (const id of listedIds(body)) expect((await fetchStockLevel(t, id)).state).toBe(state);
    }
  });

  it('pages with limit and offset, the total counting the whole list', async () => {
    const all = idsOf('lowOne', 'lowThree', 'lowThreeAgain', 'lowHeld', 'lowFive', 'lowByThreshold');

    const pages = await Promise.all(
      ['&limit=4', '&limit=4&offset=4', '&limit=2&offset=3', '&offset=6'].map((query) =>
        list(`?state=LOW_STOCK${query}`).expect(200),
      ),
    );

    expect(pages.map((page) => listedIds(page.body))).toEqual([all.slice(0, 4), all.slice(4), all.slice(3, 5), []]);
    expect(pages.map((page) => [page.body.total, page.body.limit, page.body.offset])).toEqual([
      [6, 4, 0],
      [6, 4, 4],
      [6, 2, 3],
      [6, 20, 6],
    ]);
  });

  it.each([
    ['no state', ''],
    ['an unknown state', '?state=SOLD_OUT'],
    ['a lower-case state', '?state=low_stock'],
    ['an empty state', '?state='],
  ])('answers 400 VALIDATION_FAILED on state for %s', async (_case, query) => {
    const response = await list(query);

    expectProblem(response, 400, 'VALIDATION_FAILED');
    expectFieldError(response, 'state');
  });

  it('answers 403 FORBIDDEN to a customer and 401 without a token', async () => {
    expectProblem(await list('?state=LOW_STOCK', newCustomer(t).auth), 403, 'FORBIDDEN');
    expectProblem(await list('?state=LOW_STOCK', null), 401, 'UNAUTHENTICATED');
  });
});
