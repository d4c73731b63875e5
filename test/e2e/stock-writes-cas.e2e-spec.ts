import { randomUUID } from 'node:crypto';
import { TokenService } from '../../src/shared/auth';
import {
  inventoryRequests,
  ledgerOf,
  line,
  newStockedVariant,
  reservationRequests,
  reserve,
  snapshotOf,
  StockedVariant,
  fetchStockLevel,
  stockOf,
} from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

const REPLAYED = 'idempotent-replayed';

describe('compare-and-set stock writes', () => {
  let t: TestApp;
  let secondAdmin: string;

  beforeAll(async () => {
    t = await startQuietTestApp('stock-writes-cas');
    secondAdmin = `Bearer ${t.get(TokenService).issue({ sub: 'admin-2', admin: true })}`;
  });

  afterEach(async () => {
    const audit = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
    expect(audit.body).toEqual({ consistent: true, drift: [], stuck: [] });
  });

  afterAll(async () => {
    await t.close();
  });

  const { put, adjustWithoutKey } = inventoryRequests(() => t);
  const { confirm, cancel } = reservationRequests(() => t);

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

    it('raises the version with a count, an adjustment, a reserve, a cancel, a confirm and a limits change', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const owner = unique('owner');
      const versions = [await fetchStockLevel(t, variant.id)];
      const step = async (write: () => Promise<unknown>) => {
        await write();
        versions.push(await fetchStockLevel(t, variant.id));
      };

      await step(() => put(variant.id, { onHand: 12 }).expect(200));
      await step(() => postAdjustment(variant.id, { delta: 3, reason: 'RESTOCK' }).expect(201));
      const held = await reserve(t, owner, [line(variant, 2)]);
      versions.push(await fetchStockLevel(t, variant.id));
      await step(() => cancel(held.id, t.admin).expect(200));
      const sold = await reserve(t, owner, [line(variant, 1)]);
      versions.push(await fetchStockLevel(t, variant.id));
      await step(() => confirm(sold.id).expect(200));
      await step(() =>
        t.http
          .put(`/api/inventory/${variant.id}/limits`)
          .set('authorization', t.admin)
          .send({ maxPerOrder: 4 })
          .expect(200),
      );

      const numbers = versions.map((level) => level.version);
      for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1]);
      for (const level of versions) expect(level.etag).toBe(`"${level.version}"`);
      expect(versions[versions.length - 1]).toMatchObject({ onHand: 14, reserved: 0 });
    });

    it('keeps the version, the ETag and the ledger when a PUT sets the figure already on hand', async () => {
      const variant = await newStockedVariant(t, { onHand: 9 });
      const before = await snapshotOf(t, variant);

      const response = await put(variant.id, { onHand: 9 });

      expect(response.status).toBe(200);
      expect(response.headers.etag).toBe(before.etag);
      expect(`"${response.body.version}"`).toBe(before.etag);
      expect(await snapshotOf(t, variant)).toEqual(before);
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

    it('answers 412 PRECONDITION_FAILED to an adjustment with a stale ETag, and writes nothing', async () => {
      const variant = await heldVariant();
      const stale = (await fetchStockLevel(t, variant.id)).etag;
      await put(variant.id, { onHand: 11 }).expect(200);
      const before = await snapshotOf(t, variant);
      const { version } = await fetchStockLevel(t, variant.id);

      const response = await postAdjustment(variant.id, { delta: 5, reason: 'RESTOCK' }, { ifMatch: stale });

      expectProblem(response, 412, 'PRECONDITION_FAILED');
      expect(response.body.current).toEqual({ onHand: 11, reserved: 2, available: 9, version });
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
    it('writes a PUT whose expectedOnHand is the figure on hand', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await put(variant.id, { onHand: 6, expectedOnHand: 10 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ onHand: 6, available: 6 });
      expect((await ledgerOf(t, variant.id)).map((row) => [row.reason, row.delta])).toEqual([
        ['COUNT', 10],
        ['COUNT', -4],
      ]);
    });

    it('answers 409 STOCK_CHANGED with the current figures to a PUT expecting another figure, and writes nothing', async () => {
      const variant = await heldVariant();
      const before = await snapshotOf(t, variant);
      const { version } = await fetchStockLevel(t, variant.id);

      const response = await put(variant.id, { onHand: 20, expectedOnHand: 9 });

      expectProblem(response, 409, 'STOCK_CHANGED');
      expect(response.body.current).toEqual({ onHand: 10, reserved: 2, available: 8, version });
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('writes an adjustment whose expectedOnHand is the figure on hand', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await postAdjustment(variant.id, { delta: 5, reason: 'RESTOCK', expectedOnHand: 10 });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ delta: 5, onHandAfter: 15 });
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 15 });
    });

    it('answers 409 STOCK_CHANGED to an adjustment expecting another figure, and writes nothing', async () => {
      const variant = await heldVariant();
      const before = await snapshotOf(t, variant);
      const { version } = await fetchStockLevel(t, variant.id);

      const response = await postAdjustment(variant.id, { delta: 5, reason: 'RESTOCK', expectedOnHand: 11 });

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

    it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key with another adjustment, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      await postAdjustment(variant.id, { delta: 5, reason: 'RESTOCK' }, { key }).expect(201);
      const before = await snapshotOf(t, variant);

      const response = await postAdjustment(variant.id, { delta: 6, reason: 'RESTOCK' }, { key });

      expectProblem(response, 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('writes one movement when two admins race the same adjustment with one key, and answers it to all', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const body = { delta: 3, reason: 'RESTOCK' };

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          postAdjustment(variant.id, body, { key, authorization: i % 2 === 0 ? t.admin : secondAdmin }),
        ),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
      expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
      expect(responses.filter((response) => response.headers[REPLAYED] !== 'true')).toHaveLength(1);
      const restocks = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'RESTOCK');
      expect(restocks).toHaveLength(1);
      expect(restocks[0].id).toBe(responses[0].body.id);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 13 });
    });

    it("replays another admin's adjustment: stock keys are shared by all staff", async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const body = { delta: -1, reason: 'DAMAGE' };

      const first = await postAdjustment(variant.id, body, { key });
      const second = await postAdjustment(variant.id, body, { key, authorization: secondAdmin });

      expect(second.status).toBe(201);
      expect(second.headers[REPLAYED]).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(second.body.actor).toBe('admin-1');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 9 });
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED to an adjustment with the key of an earlier PUT, and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      await putStock(variant.id, { onHand: 12 }, { key }).expect(200);
      const before = await snapshotOf(t, variant);

      const response = await postAdjustment(variant.id, { delta: 2, reason: 'RESTOCK' }, { key });

      expectProblem(response, 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await snapshotOf(t, variant)).toEqual(before);
    });

    it('replays a PUT with the same key: the stored answer, and no second count after the stock moved on', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();

      const first = await putStock(variant.id, { onHand: 20 }, { key });
      await postAdjustment(variant.id, { delta: 5, reason: 'RESTOCK' }).expect(201);
      const before = await snapshotOf(t, variant);
      const again = await putStock(variant.id, { onHand: 20 }, { key, authorization: secondAdmin });

      expect(first.status).toBe(200);
      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(again.status).toBe(200);
      expect(again.headers[REPLAYED]).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(await snapshotOf(t, variant)).toEqual(before);
      expect(before.stock).toMatchObject({ onHand: 25 });
    });

    it('keeps nothing under the key of a write refused with 412: a retry with a fresh ETag writes once', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const stale = (await fetchStockLevel(t, variant.id)).etag;
      await put(variant.id, { onHand: 11 }).expect(200);
      const body = { delta: 4, reason: 'RESTOCK' };

      const refused = await postAdjustment(variant.id, body, { key, ifMatch: stale });
      const fresh = (await fetchStockLevel(t, variant.id)).etag;
      const retried = await postAdjustment(variant.id, body, { key, ifMatch: fresh });
      const replayed = await postAdjustment(variant.id, body, { key, ifMatch: fresh });

      expectProblem(refused, 412, 'PRECONDITION_FAILED');
      expect(retried.status).toBe(201);
      expect(retried.headers[REPLAYED]).toBeUndefined();
      expect(replayed.headers[REPLAYED]).toBe('true');
      expect(replayed.body).toEqual(retried.body);
      expect((await ledgerOf(t, variant.id)).filter((row) => row.reason === 'RESTOCK')).toEqual([retried.body]);
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

  describe('under concurrency', () => {
    it('lets exactly one of 10 parallel PUTs with the same If-Match win; the others answer 412', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { etag, version } = await fetchStockLevel(t, variant.id);
      const counts = Array.from({ length: 10 }, (_, i) => 20 + i);

      const responses = await Promise.all(counts.map((onHand) => putStock(variant.id, { onHand }, { ifMatch: etag })));

      const won = responses.filter((response) => response.status === 200);
      const lost = responses.filter((response) => response.status !== 200);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const response of lost) {
        expectProblem(response, 412, 'PRECONDITION_FAILED');
        expect(response.body.current).toMatchObject({ onHand: won[0].body.onHand, version: won[0].body.version });
      }
      const after = await fetchStockLevel(t, variant.id);
      expect(after).toMatchObject({ onHand: won[0].body.onHand, version: won[0].body.version });
      expect(after.version).toBe(version + 1);
      const counted = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'COUNT');
      expect(counted).toHaveLength(2);
      expect(counted[1]).toMatchObject({ delta: won[0].body.onHand - 10, onHandAfter: won[0].body.onHand });
    });

    it('lets exactly one of 10 parallel adjustments with the same If-Match and distinct keys win', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { etag } = await fetchStockLevel(t, variant.id);

      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          postAdjustment(variant.id, { delta: 1, reason: 'RESTOCK' }, { ifMatch: etag }),
        ),
      );

      expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 201)) {
        expectProblem(response, 412, 'PRECONDITION_FAILED');
      }
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 11 });
    });
  });
});
