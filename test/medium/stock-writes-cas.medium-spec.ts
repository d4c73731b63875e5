import { randomUUID } from 'node:crypto';
import { InventoryModule } from '../../src/inventory';
import { StockChangedError, StockVersionMismatchError } from '../../src/inventory/inventory.errors';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import {
  AdjustmentRequest,
  SetStockRequest,
  StockService,
  StockWriteContext,
} from '../../src/inventory/stock/stock.service';
import { EntityTagCondition } from '../../src/shared/http';
import { IdempotencyKeyReusedError } from '../../src/shared/idempotency/idempotency.errors';
import { ADMIN_PRINCIPAL } from '../support/customer.factory';
import { line, newStockedVariant, reserve, StockedVariant, stockAudit } from '../support/inventory.factory';
import { MediumContext, startModuleContext } from '../support/medium';
import { ledgerRowsOf, stockVersionOf, versionedSnapshotOf } from '../support/rows';
import { ADMIN_SUB, queuePrefix, unique } from '../support/test-app';

const SECOND_ADMIN = 'admin-2';

/**
 * Compare-and-set stock writes as the inventory module decides them: the version every
 * write raises, If-Match conditions against it, expectedOnHand, and the staff's shared
 * Idempotency-Keys, alone and racing. What a refused write leaves is read from the
 * tables (counters, version, ledger). The headers and status codes that carry these
 * (ETag, If-Match parsing, 412, 409, 422, Idempotent-Replayed) are in test/e2e/stock-writes-cas.
 */
describe('compare-and-set stock writes (inventory module)', () => {
  let t: MediumContext;
  let stock: StockService;
  let reservations: ReservationsService;

  beforeAll(async () => {
    // Queues of their own: no expiry processor anywhere serves this context's jobs.
    t = await startModuleContext(InventoryModule, { QUEUE_PREFIX: queuePrefix('stock-writes-cas-medium') });
    stock = t.get(StockService);
    reservations = t.get(ReservationsService);
  });

  afterEach(async () => {
    expect(await stockAudit(t)).toEqual({ drift: [], stuck: [] });
  });

  afterAll(async () => {
    await t.close();
  });

  /** An admin's write context: a fresh key unless given, If-Match as a header would say it. */
  const context = (options: { actor?: string; key?: string; ifMatch?: string } = {}): StockWriteContext => ({
    actor: options.actor ?? ADMIN_SUB,
    idempotencyKey: options.key,
    ifMatch: options.ifMatch === undefined ? undefined : EntityTagCondition.parse(options.ifMatch),
  });
  const setOnHand = (variantId: number, request: SetStockRequest, writeContext = context()) =>
    stock.setOnHand(variantId, request, writeContext);
  /** An adjustment with a fresh key, as every client of the route must send one. */
  const adjust = (variantId: number, request: AdjustmentRequest, writeContext = context({ key: randomUUID() })) =>
    stock.adjust(variantId, request, writeContext);
  const levelOf = (variantId: number) => stock.getForVariant(variantId);
  const tagOf = (version: number) => `"${version}"`;
  const refusalOf = (write: Promise<unknown>) =>
    write.then(
      () => undefined,
      (error: unknown) => error,
    );
  const restocksOf = async (variant: StockedVariant) =>
    (await ledgerRowsOf(t, variant.id)).filter((row) => row.reason === 'RESTOCK');

  /** A variant with 10 on hand and 2 of them held, so that `current` shows reserved and available apart. */
  async function heldVariant(): Promise<StockedVariant> {
    const variant = await newStockedVariant(t, { onHand: 10 });
    await reserve(t, unique('holder'), [line(variant, 2)]);
    return variant;
  }

  describe('the version', () => {
    it('rises with a count, an adjustment, a reserve, a cancel, a confirm and a limits change', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const owner = unique('owner');
      const versions = [await stockVersionOf(t, variant.id)];
      const step = async (write: () => Promise<unknown>) => {
        await write();
        versions.push(await stockVersionOf(t, variant.id));
      };

      await step(() => setOnHand(variant.id, { onHand: 12 }));
      await step(() => adjust(variant.id, { delta: 3, reason: 'RESTOCK' }));
      const held = await reserve(t, owner, [line(variant, 2)]);
      versions.push(await stockVersionOf(t, variant.id));
      await step(() => reservations.cancel(held.id, ADMIN_PRINCIPAL));
      const sold = await reserve(t, owner, [line(variant, 1)]);
      versions.push(await stockVersionOf(t, variant.id));
      await step(() => reservations.confirm(sold.id, ADMIN_PRINCIPAL));
      await step(() => stock.setLimits(variant.id, { maxPerOrder: 4 }));

      expect(versions).toHaveLength(8);
      for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]);
      expect(await levelOf(variant.id)).toMatchObject({ onHand: 14, reserved: 0, version: versions[7] });
    });

    it('stays, with the ledger, when a count sets the figure already on hand', async () => {
      const variant = await newStockedVariant(t, { onHand: 9 });
      const before = await versionedSnapshotOf(t, variant);

      const result = await setOnHand(variant.id, { onHand: 9 });

      expect(result).toMatchObject({ status: 200, replayed: false, body: { onHand: 9, version: before.version } });
      expect(await versionedSnapshotOf(t, variant)).toEqual(before);
    });
  });

  describe('If-Match', () => {
    it('refuses an adjustment with a stale tag, with the current figures, and writes nothing', async () => {
      const variant = await heldVariant();
      const stale = tagOf(await stockVersionOf(t, variant.id));
      await setOnHand(variant.id, { onHand: 11 });
      const before = await versionedSnapshotOf(t, variant);

      const refused = await refusalOf(adjust(variant.id, { delta: 5, reason: 'RESTOCK' }, context({ ifMatch: stale })));

      expect(refused).toBeInstanceOf(StockVersionMismatchError);
      expect(refused).toMatchObject({
        code: 'PRECONDITION_FAILED',
        extensions: { current: { onHand: 11, reserved: 2, available: 9, version: before.version } },
      });
      expect(await versionedSnapshotOf(t, variant)).toEqual(before);
    });
  });

  describe('expectedOnHand', () => {
    it('lets a count expecting the figure on hand write its difference', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const result = await setOnHand(variant.id, { onHand: 6, expectedOnHand: 10 });

      expect(result).toMatchObject({ status: 200, body: { onHand: 6, available: 6 } });
      expect((await ledgerRowsOf(t, variant.id)).map((row) => [row.reason, row.delta])).toEqual([
        ['COUNT', 10],
        ['COUNT', -4],
      ]);
    });

    it('lets an adjustment expecting the figure on hand write', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const result = await adjust(variant.id, { delta: 5, reason: 'RESTOCK', expectedOnHand: 10 });

      expect(result).toMatchObject({ status: 201, body: { delta: 5, onHandAfter: 15 } });
      expect(await levelOf(variant.id)).toMatchObject({ onHand: 15 });
    });

    it('refuses an adjustment expecting another figure with STOCK_CHANGED and the current figures, writing nothing', async () => {
      const variant = await heldVariant();
      const before = await versionedSnapshotOf(t, variant);

      const refused = await refusalOf(adjust(variant.id, { delta: 5, reason: 'RESTOCK', expectedOnHand: 11 }));

      expect(refused).toBeInstanceOf(StockChangedError);
      expect(refused).toMatchObject({
        code: 'STOCK_CHANGED',
        extensions: { current: { onHand: 10, reserved: 2, available: 8, version: before.version } },
      });
      expect(await versionedSnapshotOf(t, variant)).toEqual(before);
    });
  });

  describe('Idempotency-Keys, shared by all staff', () => {
    it('refuses the same key with another adjustment (IDEMPOTENCY_KEY_REUSED), and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      await adjust(variant.id, { delta: 5, reason: 'RESTOCK' }, context({ key }));
      const before = await versionedSnapshotOf(t, variant);

      const refused = await refusalOf(adjust(variant.id, { delta: 6, reason: 'RESTOCK' }, context({ key })));

      expect(refused).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(refused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await versionedSnapshotOf(t, variant)).toEqual(before);
    });

    it('writes one movement when two admins race the same adjustment with one key, and answers it to all', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const request: AdjustmentRequest = { delta: 3, reason: 'RESTOCK' };

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          adjust(variant.id, request, context({ key, actor: i % 2 === 0 ? ADMIN_SUB : SECOND_ADMIN })),
        ),
      );

      expect(results.map((result) => result.status)).toEqual(Array(10).fill(201));
      expect(new Set(results.map((result) => result.body.id)).size).toBe(1);
      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      const restocks = await restocksOf(variant);
      expect(restocks).toHaveLength(1);
      expect(restocks[0].id).toBe(results[0].body.id);
      expect(await levelOf(variant.id)).toMatchObject({ onHand: 13 });
    });

    it("replays another admin's adjustment: the answer recorded with the first admin as actor", async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const request: AdjustmentRequest = { delta: -1, reason: 'DAMAGE' };

      const first = await adjust(variant.id, request, context({ key }));
      const second = await adjust(variant.id, request, context({ key, actor: SECOND_ADMIN }));

      expect(second).toEqual({ status: 201, body: first.body, replayed: true });
      expect(second.body.actor).toBe(ADMIN_SUB);
      expect(await levelOf(variant.id)).toMatchObject({ onHand: 9 });
    });

    it('refuses an adjustment with the key of an earlier count (IDEMPOTENCY_KEY_REUSED), and writes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      await setOnHand(variant.id, { onHand: 12 }, context({ key }));
      const before = await versionedSnapshotOf(t, variant);

      const refused = await refusalOf(adjust(variant.id, { delta: 2, reason: 'RESTOCK' }, context({ key })));

      expect(refused).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await versionedSnapshotOf(t, variant)).toEqual(before);
    });

    it('replays a count with the same key: the stored answer, and no second count after the stock moved on', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();

      const first = await setOnHand(variant.id, { onHand: 20 }, context({ key }));
      await adjust(variant.id, { delta: 5, reason: 'RESTOCK' });
      const before = await versionedSnapshotOf(t, variant);
      const again = await setOnHand(variant.id, { onHand: 20 }, context({ key, actor: SECOND_ADMIN }));

      expect(first).toMatchObject({ status: 200, replayed: false });
      expect(again).toEqual({ status: 200, body: first.body, replayed: true });
      expect(await versionedSnapshotOf(t, variant)).toEqual(before);
      expect(before.stock).toMatchObject({ onHand: 25 });
    });

    it('keeps nothing under the key of a write refused by If-Match: a retry with the fresh tag writes once', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = randomUUID();
      const stale = tagOf(await stockVersionOf(t, variant.id));
      await setOnHand(variant.id, { onHand: 11 });
      const request: AdjustmentRequest = { delta: 4, reason: 'RESTOCK' };

      const refused = await refusalOf(adjust(variant.id, request, context({ key, ifMatch: stale })));
      const fresh = tagOf(await stockVersionOf(t, variant.id));
      const retried = await adjust(variant.id, request, context({ key, ifMatch: fresh }));
      const replayed = await adjust(variant.id, request, context({ key, ifMatch: fresh }));

      expect(refused).toBeInstanceOf(StockVersionMismatchError);
      expect(retried).toMatchObject({ status: 201, replayed: false });
      expect(replayed).toEqual({ status: 201, body: retried.body, replayed: true });
      expect(await restocksOf(variant)).toEqual([retried.body]);
      expect(await levelOf(variant.id)).toMatchObject({ onHand: 15 });
    });
  });

  describe('under concurrency', () => {
    it('lets exactly one of 10 parallel counts with the same If-Match win; the others see the winner', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const { version } = await levelOf(variant.id);
      const counts = Array.from({ length: 10 }, (_, i) => 20 + i);

      const outcomes = await Promise.allSettled(
        counts.map((onHand) => setOnHand(variant.id, { onHand }, context({ ifMatch: tagOf(version) }))),
      );

      const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.body] : []));
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const reason of lost) {
        expect(reason).toBeInstanceOf(StockVersionMismatchError);
        expect(reason).toMatchObject({ extensions: { current: { onHand: won[0].onHand, version: won[0].version } } });
      }
      const after = await levelOf(variant.id);
      expect(after).toMatchObject({ onHand: won[0].onHand, version: won[0].version });
      expect(after.version).toBe(version + 1);
      const counted = (await ledgerRowsOf(t, variant.id)).filter((row) => row.reason === 'COUNT');
      expect(counted).toHaveLength(2);
      expect(counted[1]).toMatchObject({ delta: won[0].onHand - 10, onHandAfter: won[0].onHand });
    });

    it('lets exactly one of 10 parallel adjustments with the same If-Match and distinct keys win', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const tag = tagOf(await stockVersionOf(t, variant.id));

      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          adjust(variant.id, { delta: 1, reason: 'RESTOCK' }, context({ key: randomUUID(), ifMatch: tag })),
        ),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
        expect(outcome.reason).toBeInstanceOf(StockVersionMismatchError);
      }
      expect(await levelOf(variant.id)).toMatchObject({ onHand: 11 });
    });
  });
});
