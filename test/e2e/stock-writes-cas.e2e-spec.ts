import { randomUUID } from 'node:crypto';
import {
  fetchStockLevel,
  inventoryRequests,
  ledgerOf,
  line,
  newStockedVariant,
  reserve,
  snapshotOf,
  StockedVariant,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

const REPLAYED = 'idempotent-replayed';

/**
 * The HTTP contract of compare-and-set stock writes: the ETag a read and a write answer,
 * If-None-Match and its 304, If-Match as a header (the current tag, `*`, a list, a weak
 * tag, malformed ones), and how a refusal or a replay is answered (412 and 409 with the
 * current figures, 422, Idempotent-Replayed). What the inventory module decides behind
 * them (the version each write raises, expectedOnHand, key reuse and replays across
 * admins, races on one tag or one key) is proven in test/medium/stock-writes-cas.
 */
describe('compare-and-set stock writes over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('stock-writes-cas');
  });

  afterEach(async () => {
    const audit = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
    expect(audit.body).toEqual({ consistent: true, drift: [], stuck: [] });
  });

  afterAll(async () => {
    await t.close();
  });

  const { put, adjustWithoutKey } = inventoryRequests(() => t);

  /** PUT /api/inventory/:variantId with optional If-Match and Idempotency-Key headers. */
  function putStock(
    variantId: number,
    body: object,
    headers: { ifMatch?: string; key?: string; authorization?: string } = {},
  ) {
    let request = t.http.put(`/api/inventory/${variantId}`).set('authorization', headers.authorization ?? t.admin);
    if (headers.ifMatch !== undefined) request = request.set('if-match', headers.ifMatch);
    if (headers.key !== undefined) request = request.set('idempotency-key', headers.key);
    return request.send(body);
  }

  /** POST /api/inventory/:variantId/adjustments with a key (a fresh one unless given) and an optional If-Match. */
  function postAdjustment(
    variantId: number,
    body: object,
    headers: { ifMatch?: string; key?: string; authorization?: string } = {},
  ) {
    let request = t.http
      .post(`/api/inventory/${variantId}/adjustments`)
      .set('authorization', headers.authorization ?? t.admin)
      .set('idempotency-key', headers.key ?? randomUUID());
    if (headers.ifMatch !== undefined) request = request.set('if-match', headers.ifMatch);
    return request.send(body);
  }

  /** A variant with 10 on hand and 2 of them held, so that `current` shows reserved and available apart. */
  async function heldVariant(): Promise<StockedVariant> {
    const variant = await newStockedVariant(t, { onHand: 10 });
    await reserve(t, unique('holder'), [line(variant, 2)]);
    return variant;
  }

  describe('ETag and version', () => {
    it('answers the stock version as the strong ETag "<version>"', async () => {
      const variant = await newStockedVariant(t, { onHand: 7 });

      const response = await t.http.get(`/api/inventory/${variant.id}`).expect(200);

      expect(Number.isInteger(response.body.version)).toBe(true);
      expect(response.headers.etag).toBe(`"${response.body.version}"`);
    });
  });

  describe('If-None-Match', () => {
    const getStock = (variantId: number, ifNoneMatch: string) =>
      t.http.get(`/api/inventory/${variantId}`).set('if-none-match', ifNoneMatch);

    it('answers 304 without a body while the copy is current, weak tag or not, and 200 once the stock moved', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { etag } = await fetchStockLevel(t, variant.id);

      const current = await getStock(variant.id, etag);
      expect(current.status).toBe(304);
      expect(current.text).toBe('');
      expect(current.headers.etag).toBe(etag);
      expect((await getStock(variant.id, `W/${etag}`)).status).toBe(304);
      expect((await getStock(variant.id, `"nope", ${etag}`)).status).toBe(304);

      await putStock(variant.id, { onHand: 11 }).expect(200);
      const moved = await getStock(variant.id, etag);
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ onHand: 11 });
      expect(moved.headers.etag).not.toBe(etag);
    });

    it('answers 400 VALIDATION_FAILED for a malformed If-None-Match', async () => {
      const variant = await newStockedVariant(t, { onHand: 1 });

      const response = await getStock(variant.id, 'abc');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'If-None-Match');
    });
  });

  describe('If-Match', () => {
    it('writes a PUT whose If-Match is the current ETag, and answers 200 with the new ETag', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { etag } = await fetchStockLevel(t, variant.id);

      const response = await putStock(variant.id, { onHand: 15 }, { ifMatch: etag });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ onHand: 15, reserved: 0, available: 15 });
      expect(response.headers.etag).toBe(`"${response.body.version}"`);
      expect(response.headers.etag).not.toBe(etag);
      expect((await fetchStockLevel(t, variant.id)).etag).toBe(response.headers.etag);
    });

    it('writes an adjustment whose If-Match is the current ETag', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { etag } = await fetchStockLevel(t, variant.id);

      const response = await postAdjustment(variant.id, { delta: -2, reason: 'DAMAGE' }, { ifMatch: etag });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ reason: 'DAMAGE', delta: -2, onHandAfter: 8 });
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 8 });
    });

    it('answers 412 PRECONDITION_FAILED with the current figures to a PUT with a stale ETag, and writes nothing', async () => {
      const variant = await heldVariant();
      const stale = (await fetchStockLevel(t, variant.id)).etag;
      await postAdjustment(variant.id, { delta: 4, reason: 'RESTOCK' }).expect(201);
      const before = await snapshotOf(t, variant);
      const { version } = await fetchStockLevel(t, variant.id);

      const response = await putStock(variant.id, { onHand: 30 }, { ifMatch: stale });

      expectProblem(response, 412, 'PRECONDITION_FAILED');
      expect(response.body.current).toEqual({ onHand: 14, reserved: 2, available: 12, version });
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('matches any version with If-Match: *', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      await put(variant.id, { onHand: 11 }).expect(200);

      const set = await putStock(variant.id, { onHand: 12 }, { ifMatch: '*' });
      const adjusted = await postAdjustment(variant.id, { delta: 1, reason: 'RETURN' }, { ifMatch: '*' });

      expect(set.status).toBe(200);
      expect(adjusted.status).toBe(201);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 13 });
    });

    it('matches a list of tags that names the current one', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { version, etag } = await fetchStockLevel(t, variant.id);

      const response = await putStock(variant.id, { onHand: 4 }, { ifMatch: `"${version + 100}", ${etag}` });

      expect(response.status).toBe(200);
      expect(response.body.onHand).toBe(4);
    });

    it('answers 412 to a weak tag of the current version (If-Match compares strongly), and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await snapshotOf(t, variant);
      const { version } = await fetchStockLevel(t, variant.id);

      const set = await putStock(variant.id, { onHand: 20 }, { ifMatch: `W/"${version}"` });
      const adjusted = await postAdjustment(variant.id, { delta: 1, reason: 'RESTOCK' }, { ifMatch: `W/"${version}"` });

      expectProblem(set, 412, 'PRECONDITION_FAILED');
      expectProblem(adjusted, 412, 'PRECONDITION_FAILED');
      expect(set.body.current).toEqual({ onHand: 10, reserved: 0, available: 10, version });
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it.each(['abc', '"1', '1', '"1"x'])(
      'answers 400 VALIDATION_FAILED on If-Match for the malformed %p, and writes nothing',
      async (ifMatch) => {
        const variant = await newStockedVariant(t, { onHand: 10 });
        const before = await snapshotOf(t, variant);

        const set = await putStock(variant.id, { onHand: 20 }, { ifMatch });
        const adjusted = await postAdjustment(variant.id, { delta: 1, reason: 'RESTOCK' }, { ifMatch });

        for (const response of [set, adjusted]) {
          expectProblem(response, 400, 'VALIDATION_FAILED');
          expectFieldError(response, 'If-Match');
        }
        expect(await snapshotOf(t, variant)).toEqual(before);
      },
    );
  });

  describe('expectedOnHand', () => {
    it('answers 409 STOCK_CHANGED with the current figures to a PUT expecting another figure, and writes nothing', async () => {
      const variant = await heldVariant();
      const before = await snapshotOf(t, variant);
      const { version } = await fetchStockLevel(t, variant.id);

      const response = await put(variant.id, { onHand: 20, expectedOnHand: 9 });

      expectProblem(response, 409, 'STOCK_CHANGED');
      expect(response.body.current).toEqual({ onHand: 10, reserved: 2, available: 8, version });
      expect(await snapshotOf(t, variant)).toEqual(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers 400 VALIDATION_FAILED on Idempotency-Key to an adjustment without one, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await snapshotOf(t, variant);

      const response = await adjustWithoutKey(variant.id, { delta: 5, reason: 'RESTOCK' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'Idempotency-Key');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('replays a repeated adjustment with Idempotent-Replayed: true and the same movement, written once', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const body = { delta: 5, reason: 'RESTOCK', note: 'Delivery 17' };

      const first = await postAdjustment(variant.id, body, { key });
      const again = await postAdjustment(variant.id, body, { key });

      expect(first.status).toBe(201);
      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(again.status).toBe(201);
      expect(again.headers[REPLAYED]).toBe('true');
      expect(again.body).toEqual(first.body);
      const ledger = await ledgerOf(t, variant.id);
      expect(ledger.filter((row) => row.reason === 'RESTOCK')).toEqual([first.body]);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 15 });
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED to a PUT with the same key and another count', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      await putStock(variant.id, { onHand: 20 }, { key }).expect(200);
      const before = await snapshotOf(t, variant);

      const response = await putStock(variant.id, { onHand: 21 }, { key });

      expectProblem(response, 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });
  });
});
