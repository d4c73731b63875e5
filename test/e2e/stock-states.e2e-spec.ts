import { newVariant } from '../support/catalog.factory';
import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_INT_ID } from '../support/ids';
import {
  deleteVariant,
  inventoryRequests,
  line,
  newStockedVariant,
  RecordedEvent,
  recordEvents,
  reservationRequests,
  reserve,
  StockedVariant,
  stockLevelOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { queuePrefix, startIsolatedTestApp, startQuietTestApp, TestApp, unique } from '../support/test-app';
import { eventually } from '../support/wait';

const STOCK_EVENTS = ['stock.low', 'stock.out', 'stock.back_in_stock'] as const;

interface StateRow {
  from_state: string;
  to_state: string;
  event: string | null;
  cause: string;
  on_hand: number;
  reserved: number;
}

/** The recorded changes of state of a variant, oldest first. */
function stateRowsOf(app: TestApp, variantId: number): Promise<StateRow[]> {
  return app.dataSource.query(
    `SELECT from_state, to_state, event, cause, on_hand, reserved
       FROM stock_state_changes WHERE variant_id = $1 ORDER BY id`,
    [variantId],
  );
}

/** A stock.* event as the recorder sees it. */
function stockEvent(
  name: string,
  variantId: number,
  from: string,
  to: string,
  cause: string,
  onHand: number,
  reserved: number,
): RecordedEvent {
  return {
    name,
    payload: {
      variantId,
      from,
      to,
      onHand,
      reserved,
      available: onHand - reserved,
      cause,
      changedAt: expect.any(Date),
    },
  };
}

/** The state-change row a stockEvent (or a rise to IN_STOCK, event null) writes. */
function stateRow(
  event: string | null,
  from: string,
  to: string,
  cause: string,
  onHand: number,
  reserved: number,
): StateRow {
  return { from_state: from, to_state: to, event, cause, on_hand: onHand, reserved };
}

async function expectConsistent(app: TestApp): Promise<void> {
  const audit = await app.http.get('/api/inventory/audit').set('authorization', app.admin).expect(200);
  expect(audit.body).toEqual({ consistent: true, drift: [], stuck: [] });
}

describe('stock states', () => {
  let t: TestApp;
  let recorder: ReturnType<typeof recordEvents>;

  beforeAll(async () => {
    t = await startQuietTestApp('stock-states');
  });

  beforeEach(() => {
    recorder = recordEvents(t, STOCK_EVENTS);
  });

  afterEach(async () => {
    recorder.stop();
    await expectConsistent(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const { put, adjust } = inventoryRequests(() => t);
  const { confirm, cancel } = reservationRequests(() => t);
  const eventsOf = (variant: StockedVariant) =>
    recorder.events.filter((event) => event.payload.variantId === variant.id);
  const stateOf = async (variant: StockedVariant) => (await stockLevelOf(t, variant.id)).state;
  const setLimits = (variantId: number, body: object) =>
    t.http.put(`/api/inventory/${variantId}/limits`).set('authorization', t.admin).send(body);

  describe('crossings of the default threshold (LOW_STOCK_THRESHOLD 5)', () => {
    it('records stock.low once when a DAMAGE adjustment takes 10 on hand to the threshold', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      expect(await stateOf(variant)).toBe('IN_STOCK');

      await adjust(variant.id, { delta: -5, reason: 'DAMAGE' }).expect(201);

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(eventsOf(variant)).toEqual([stockEvent('stock.low', variant.id, 'IN_STOCK', 'LOW_STOCK', 'DAMAGE', 5, 0)]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'DAMAGE', 5, 0),
      ]);
    });

    it('records stock.out for a reserve of the last units and stock.back_in_stock for their cancel', async () => {
      const variant = await newStockedVariant(t, { onHand: 5 });
      const owner = newCustomer(t);

      const reservation = await reserve(t, owner.sub, [line(variant, 5)]);
      expect(await stateOf(variant)).toBe('OUT_OF_STOCK');
      await cancel(reservation.id, owner.auth).expect(200);

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(eventsOf(variant)).toEqual([
        stockEvent('stock.out', variant.id, 'LOW_STOCK', 'OUT_OF_STOCK', 'RESERVE', 5, 5),
        stockEvent('stock.back_in_stock', variant.id, 'OUT_OF_STOCK', 'LOW_STOCK', 'CANCEL', 5, 0),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.out', 'LOW_STOCK', 'OUT_OF_STOCK', 'RESERVE', 5, 5),
        stateRow('stock.back_in_stock', 'OUT_OF_STOCK', 'LOW_STOCK', 'CANCEL', 5, 0),
      ]);
    });

    it('records one change IN_STOCK → OUT_OF_STOCK for a reserve that takes everything at once', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      await reserve(t, unique('buyer'), [line(variant, 10)]);

      expect(eventsOf(variant)).toEqual([
        stockEvent('stock.out', variant.id, 'IN_STOCK', 'OUT_OF_STOCK', 'RESERVE', 10, 10),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.out', 'IN_STOCK', 'OUT_OF_STOCK', 'RESERVE', 10, 10),
      ]);
    });

    it('records nothing for a confirm (SALE): on hand and reserved fall together', async () => {
      const variant = await newStockedVariant(t, { onHand: 5 });
      const reservation = await reserve(t, unique('buyer'), [line(variant, 5)]);
      const rowsBefore = await stateRowsOf(t, variant.id);
      const eventsBefore = eventsOf(variant).length;

      await confirm(reservation.id).expect(200);

      expect(await stockLevelOf(t, variant.id)).toMatchObject({ onHand: 0, reserved: 0, state: 'OUT_OF_STOCK' });
      expect(rowsBefore).toHaveLength(1);
      expect(await stateRowsOf(t, variant.id)).toEqual(rowsBefore);
      expect(eventsOf(variant)).toHaveLength(eventsBefore);
    });

    it('records counts (COUNT): 0 → 20 is stock.back_in_stock, 20 → 3 is stock.low', async () => {
      const variant = await newStockedVariant(t, { onHand: 0 });
      expect(await stateOf(variant)).toBe('OUT_OF_STOCK');

      await put(variant.id, { onHand: 20 }).expect(200);
      expect(await stateOf(variant)).toBe('IN_STOCK');
      await put(variant.id, { onHand: 3 }).expect(200);

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(eventsOf(variant)).toEqual([
        stockEvent('stock.back_in_stock', variant.id, 'OUT_OF_STOCK', 'IN_STOCK', 'COUNT', 20, 0),
        stockEvent('stock.low', variant.id, 'IN_STOCK', 'LOW_STOCK', 'COUNT', 3, 0),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.back_in_stock', 'OUT_OF_STOCK', 'IN_STOCK', 'COUNT', 20, 0),
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'COUNT', 3, 0),
      ]);
    });

    it('records a RESTOCK from LOW_STOCK to IN_STOCK as a row with event null, and emits nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      await adjust(variant.id, { delta: 10, reason: 'RESTOCK' }).expect(201);

      expect(await stateOf(variant)).toBe('IN_STOCK');
      expect(eventsOf(variant)).toEqual([]);
      expect(await stateRowsOf(t, variant.id)).toEqual([stateRow(null, 'LOW_STOCK', 'IN_STOCK', 'RESTOCK', 13, 0)]);
    });

    it('records a reserve that leaves more than the threshold as nothing, and the one that crosses it once', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      await reserve(t, unique('buyer'), [line(variant, 4)]);
      expect(await stateRowsOf(t, variant.id)).toEqual([]);
      await reserve(t, unique('buyer'), [line(variant, 1)]);

      expect(eventsOf(variant)).toEqual([
        stockEvent('stock.low', variant.id, 'IN_STOCK', 'LOW_STOCK', 'RESERVE', 10, 5),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'RESERVE', 10, 5),
      ]);
    });

    it('records nothing for writes that stay within one state', async () => {
      const plenty = await newStockedVariant(t, { onHand: 20 });
      const low = await newStockedVariant(t, { onHand: 3 });
      const none = await newStockedVariant(t, { onHand: 0 });

      await adjust(plenty.id, { delta: -1, reason: 'ADJUSTMENT' }).expect(201);
      await put(plenty.id, { onHand: 15 }).expect(200);
      await put(plenty.id, { onHand: 15 }).expect(200);
      const held = await reserve(t, unique('buyer'), [line(plenty, 2)]);
      await cancel(held.id, t.admin).expect(200);
      const sold = await reserve(t, unique('buyer'), [line(plenty, 3)]);
      await confirm(sold.id).expect(200);
      await adjust(low.id, { delta: 1, reason: 'RETURN' }).expect(201);
      await reserve(t, unique('buyer'), [line(low, 1)]);
      await adjust(low.id, { delta: -2, reason: 'DAMAGE' }).expect(201);
      await put(none.id, { onHand: 0 }).expect(200);
      await setLimits(plenty.id, { maxPerOrder: 3, lowStockThreshold: 6 }).expect(200);

      expect(await stockLevelOf(t, plenty.id)).toMatchObject({ available: 12, state: 'IN_STOCK' });
      expect(await stockLevelOf(t, low.id)).toMatchObject({ available: 1, state: 'LOW_STOCK' });
      expect(await stateOf(none)).toBe('OUT_OF_STOCK');
      expect(recorder.events).toEqual([]);
      for (const variant of [plenty, low, none]) expect(await stateRowsOf(t, variant.id)).toEqual([]);
    });
  });

  describe('lowStockThreshold through PUT /api/inventory/:variantId/limits', () => {
    it('records the state a new threshold makes, with cause THRESHOLD', async () => {
      const variant = await newStockedVariant(t, { onHand: 8 });

      const raised = await setLimits(variant.id, { lowStockThreshold: 8 });
      expect(raised.status).toBe(200);
      expect(raised.body).toMatchObject({ state: 'LOW_STOCK', limits: { lowStockThreshold: 8 } });
      await setLimits(variant.id, { lowStockThreshold: 10 }).expect(200);
      const lowered = await setLimits(variant.id, { lowStockThreshold: 7 });

      expect(lowered.body).toMatchObject({ state: 'IN_STOCK', limits: { lowStockThreshold: 7 } });
      expect(eventsOf(variant)).toEqual([
        stockEvent('stock.low', variant.id, 'IN_STOCK', 'LOW_STOCK', 'THRESHOLD', 8, 0),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'THRESHOLD', 8, 0),
        stateRow(null, 'LOW_STOCK', 'IN_STOCK', 'THRESHOLD', 8, 0),
      ]);
    });

    it('records the change when null restores the default threshold, in both directions', async () => {
      const dropping = await newStockedVariant(t, { onHand: 3 });
      const rising = await newStockedVariant(t, { onHand: 8 });
      await setLimits(dropping.id, { lowStockThreshold: 0 }).expect(200);
      await setLimits(rising.id, { lowStockThreshold: 10 }).expect(200);
      const before = { dropping: await stateRowsOf(t, dropping.id), rising: await stateRowsOf(t, rising.id) };

      const intoLow = await setLimits(dropping.id, { lowStockThreshold: null });
      const outOfLow = await setLimits(rising.id, { lowStockThreshold: null });

      expect(intoLow.body).toMatchObject({ state: 'LOW_STOCK', limits: { lowStockThreshold: null } });
      expect(outOfLow.body).toMatchObject({ state: 'IN_STOCK', limits: { lowStockThreshold: null } });
      expect(eventsOf(dropping)).toEqual([
        stockEvent('stock.low', dropping.id, 'IN_STOCK', 'LOW_STOCK', 'THRESHOLD', 3, 0),
      ]);
      expect(await stateRowsOf(t, dropping.id)).toEqual([
        ...before.dropping,
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'THRESHOLD', 3, 0),
      ]);
      expect(await stateRowsOf(t, rising.id)).toEqual([
        ...before.rising,
        stateRow(null, 'LOW_STOCK', 'IN_STOCK', 'THRESHOLD', 8, 0),
      ]);
    });

    it("judges later writes against the variant's own threshold", async () => {
      const variant = await newStockedVariant(t, { onHand: 12 });
      await setLimits(variant.id, { lowStockThreshold: 10 }).expect(200);

      await adjust(variant.id, { delta: -2, reason: 'DAMAGE' }).expect(201);

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'DAMAGE', 10, 0),
      ]);
    });

    it('lifts a variant out of LOW_STOCK with threshold 0, but never out of OUT_OF_STOCK', async () => {
      const single = await newStockedVariant(t, { onHand: 1 });
      const empty = await newStockedVariant(t, { onHand: 0 });

      const lifted = await setLimits(single.id, { lowStockThreshold: 0 });
      const stillOut = await setLimits(empty.id, { lowStockThreshold: 0 });

      expect(lifted.body.state).toBe('IN_STOCK');
      expect(stillOut.body.state).toBe('OUT_OF_STOCK');
      expect(await stateRowsOf(t, single.id)).toEqual([stateRow(null, 'LOW_STOCK', 'IN_STOCK', 'THRESHOLD', 1, 0)]);
      expect(await stateRowsOf(t, empty.id)).toEqual([]);
      expect(recorder.events).toEqual([]);
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

    it('lists exactly the ACTIVE reservations, oldest first, adding up to the reserved units', async () => {
      const variant = await newStockedVariant(t, { onHand: 30 });
      const other = await newStockedVariant(t, { onHand: 30 });
      const first = await reserve(t, unique('first'), [line(variant, 2)]);
      const cancelled = await reserve(t, unique('cancelled'), [line(variant, 1)]);
      const second = await reserve(t, unique('second'), [line(other, 5), line(variant, 3)]);
      const confirmed = await reserve(t, unique('confirmed'), [line(variant, 1)]);
      const third = await reserve(t, unique('third'), [line(variant, 4)]);
      await reserve(t, unique('elsewhere'), [line(other, 6)]);
      await cancel(cancelled.id, t.admin).expect(200);
      await confirm(confirmed.id).expect(200);

      const response = await holdsOf(variant.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [holdOf(first, 2), holdOf(second, 3), holdOf(third, 4)],
        total: 3,
        limit: 20,
        offset: 0,
      });
      expect(sumOf(response.body.items)).toBe((await stockLevelOf(t, variant.id)).reserved);
    });

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
      expect(sumOf(pages.flatMap((page) => page.body.items))).toBe((await stockLevelOf(t, variant.id)).reserved);
    });

    it('drops a hold once it is cancelled or confirmed, and stays equal to reserved', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const owner = newCustomer(t);
      const kept = await reserve(t, unique('kept'), [line(variant, 1)]);
      const cancelled = await reserve(t, owner.sub, [line(variant, 2)]);
      const confirmed = await reserve(t, unique('sold'), [line(variant, 3)]);

      const listed = async () => {
        const { body } = await holdsOf(variant.id).expect(200);
        expect(sumOf(body.items)).toBe((await stockLevelOf(t, variant.id)).reserved);
        return body.items.map((hold: { reservationId: string }) => hold.reservationId);
      };

      expect(await listed()).toEqual([kept.id, cancelled.id, confirmed.id]);
      await cancel(cancelled.id, owner.auth).expect(200);
      expect(await listed()).toEqual([kept.id, confirmed.id]);
      await confirm(confirmed.id).expect(200);
      expect(await listed()).toEqual([kept.id]);
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

describe('stock states on expiry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('stock-states-expiry', { RESERVATION_TTL_SECONDS: '1' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('records stock.back_in_stock with cause EXPIRE when the Bull job expires the hold', async () => {
    const recorder = recordEvents(t, STOCK_EVENTS);
    try {
      const variant = await newStockedVariant(t, { onHand: 10 });

      await reserve(t, unique('buyer'), [line(variant, 10)]);

      await eventually(async () => expect(await stateRowsOf(t, variant.id)).toHaveLength(2), 15_000);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.out', 'IN_STOCK', 'OUT_OF_STOCK', 'RESERVE', 10, 10),
        stateRow('stock.back_in_stock', 'OUT_OF_STOCK', 'IN_STOCK', 'EXPIRE', 10, 0),
      ]);
      await eventually(async () => expect(recorder.events).toHaveLength(2), 2000);
      expect(recorder.events).toEqual([
        stockEvent('stock.out', variant.id, 'IN_STOCK', 'OUT_OF_STOCK', 'RESERVE', 10, 10),
        stockEvent('stock.back_in_stock', variant.id, 'OUT_OF_STOCK', 'IN_STOCK', 'EXPIRE', 10, 0),
      ]);
      expect(await stockLevelOf(t, variant.id)).toMatchObject({ reserved: 0, state: 'IN_STOCK' });
      await expectConsistent(t);
    } finally {
      recorder.stop();
    }
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
      for (const id of listedIds(body)) expect((await stockLevelOf(t, id)).state).toBe(state);
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
