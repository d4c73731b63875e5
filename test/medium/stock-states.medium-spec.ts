import { randomUUID } from 'node:crypto';
import { InventoryModule } from '../../src/inventory';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import { AdjustmentRequest, StockService } from '../../src/inventory/stock/stock.service';
import { ADMIN_PRINCIPAL, newCustomer } from '../support/customer.factory';
import {
  INVENTORY_WITH_JOBS,
  line,
  newStockedVariant,
  reserve,
  StockedVariant,
  stockAudit,
} from '../support/inventory.factory';
import { MediumContext, startModuleContext } from '../support/medium';
import { OutboxEventRow, outboxEventsOf } from '../support/rows';
import { ADMIN_SUB, Harness, queuePrefix, unique } from '../support/test-app';
import { eventually } from '../support/wait';

const STOCK_EVENTS = ['stock.low', 'stock.out', 'stock.back_in_stock'] as const;

/** The stock.low|out|back_in_stock events of a variant in the outbox, in commit order. */
function stockEventsOf(t: Pick<Harness, 'dataSource'>, variant: StockedVariant): Promise<OutboxEventRow[]> {
  return outboxEventsOf(t, 'stock', variant.id, STOCK_EVENTS);
}

interface StateRow {
  from_state: string;
  to_state: string;
  event: string | null;
  cause: string;
  on_hand: number;
  reserved: number;
}

/** The recorded changes of state of a variant, oldest first. */
function stateRowsOf(t: Pick<Harness, 'dataSource'>, variantId: number): Promise<StateRow[]> {
  return t.dataSource.query(
    `SELECT from_state, to_state, event, cause, on_hand, reserved
       FROM stock_state_changes WHERE variant_id = $1 ORDER BY id`,
    [variantId],
  );
}

/** A stock.* event as the outbox holds it. */
function stockEvent(
  type: string,
  variantId: number,
  from: string,
  to: string,
  cause: string,
  onHand: number,
  reserved: number,
): OutboxEventRow {
  return {
    type,
    payload: { variantId, from, to, onHand, reserved, available: onHand - reserved, cause },
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

/**
 * The rules of stock states (IN_STOCK, LOW_STOCK at or below the threshold, OUT_OF_STOCK)
 * as the inventory module applies them: which writes cross a threshold, the row each
 * crossing records and the outbox event it publishes with it (the outbox is their only
 * channel: a rolled-back write leaves neither). The HTTP routes that
 * read them (state-changes, holds, the list by state) are in test/e2e/stock-states.
 */
describe('stock states (inventory module)', () => {
  let t: MediumContext;
  let stock: StockService;
  let reservations: ReservationsService;

  beforeAll(async () => {
    // Queues of their own: no expiry processor anywhere serves this context's jobs.
    t = await startModuleContext(InventoryModule, { QUEUE_PREFIX: queuePrefix('stock-states-medium') });
    stock = t.get(StockService);
    reservations = t.get(ReservationsService);
  });

  afterEach(async () => {
    expect(await stockAudit(t)).toEqual({ drift: [], stuck: [] });
  });

  afterAll(async () => {
    await t.close();
  });

  const admin = () => ({ actor: ADMIN_SUB, idempotencyKey: randomUUID() });
  const adjust = (variantId: number, request: AdjustmentRequest) => stock.adjust(variantId, request, admin());
  const setOnHand = (variantId: number, onHand: number) => stock.setOnHand(variantId, { onHand }, admin());
  const levelOf = (variantId: number) => stock.getForVariant(variantId);
  const stateOf = async (variant: StockedVariant) => (await levelOf(variant.id)).state;
  const eventsOf = (variant: StockedVariant) => stockEventsOf(t, variant);

  describe('crossings of the default threshold (LOW_STOCK_THRESHOLD 5)', () => {
    it('records stock.low once when a DAMAGE adjustment takes 10 on hand to the threshold', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      expect(await stateOf(variant)).toBe('IN_STOCK');

      await adjust(variant.id, { delta: -5, reason: 'DAMAGE' });

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(await eventsOf(variant)).toEqual([
        stockEvent('stock.low', variant.id, 'IN_STOCK', 'LOW_STOCK', 'DAMAGE', 5, 0),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'DAMAGE', 5, 0),
      ]);
    });

    it('records stock.out for a reserve of the last units and stock.back_in_stock for their cancel', async () => {
      const variant = await newStockedVariant(t, { onHand: 5 });
      const owner = newCustomer(t);

      const reservation = await reserve(t, owner.sub, [line(variant, 5)]);
      expect(await stateOf(variant)).toBe('OUT_OF_STOCK');
      await reservations.cancel(reservation.id, owner.principal);

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(await eventsOf(variant)).toEqual([
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

      expect(await eventsOf(variant)).toEqual([
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
      const eventsBefore = await eventsOf(variant);

      await reservations.confirm(reservation.id, ADMIN_PRINCIPAL);

      expect(await levelOf(variant.id)).toMatchObject({ onHand: 0, reserved: 0, state: 'OUT_OF_STOCK' });
      expect(rowsBefore).toHaveLength(1);
      expect(await stateRowsOf(t, variant.id)).toEqual(rowsBefore);
      expect(eventsBefore).toHaveLength(1);
      expect(await eventsOf(variant)).toEqual(eventsBefore);
    });

    it('records counts (COUNT): 0 → 20 is stock.back_in_stock, 20 → 3 is stock.low', async () => {
      const variant = await newStockedVariant(t, { onHand: 0 });
      expect(await stateOf(variant)).toBe('OUT_OF_STOCK');

      await setOnHand(variant.id, 20);
      expect(await stateOf(variant)).toBe('IN_STOCK');
      await setOnHand(variant.id, 3);

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(await eventsOf(variant)).toEqual([
        stockEvent('stock.back_in_stock', variant.id, 'OUT_OF_STOCK', 'IN_STOCK', 'COUNT', 20, 0),
        stockEvent('stock.low', variant.id, 'IN_STOCK', 'LOW_STOCK', 'COUNT', 3, 0),
      ]);
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.back_in_stock', 'OUT_OF_STOCK', 'IN_STOCK', 'COUNT', 20, 0),
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'COUNT', 3, 0),
      ]);
    });

    it('records a RESTOCK from LOW_STOCK to IN_STOCK as a row with event null, and publishes nothing', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });

      await adjust(variant.id, { delta: 10, reason: 'RESTOCK' });

      expect(await stateOf(variant)).toBe('IN_STOCK');
      expect(await eventsOf(variant)).toEqual([]);
      expect(await stateRowsOf(t, variant.id)).toEqual([stateRow(null, 'LOW_STOCK', 'IN_STOCK', 'RESTOCK', 13, 0)]);
    });

    it('records a reserve that leaves more than the threshold as nothing, and the one that crosses it once', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      await reserve(t, unique('buyer'), [line(variant, 4)]);
      expect(await stateRowsOf(t, variant.id)).toEqual([]);
      await reserve(t, unique('buyer'), [line(variant, 1)]);

      expect(await eventsOf(variant)).toEqual([
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

      await adjust(plenty.id, { delta: -1, reason: 'ADJUSTMENT' });
      await setOnHand(plenty.id, 15);
      await setOnHand(plenty.id, 15);
      const held = await reserve(t, unique('buyer'), [line(plenty, 2)]);
      await reservations.cancel(held.id, ADMIN_PRINCIPAL);
      const sold = await reserve(t, unique('buyer'), [line(plenty, 3)]);
      await reservations.confirm(sold.id, ADMIN_PRINCIPAL);
      await adjust(low.id, { delta: 1, reason: 'RETURN' });
      await reserve(t, unique('buyer'), [line(low, 1)]);
      await adjust(low.id, { delta: -2, reason: 'DAMAGE' });
      await setOnHand(none.id, 0);
      await stock.setLimits(plenty.id, { maxPerOrder: 3, lowStockThreshold: 6 });

      expect(await levelOf(plenty.id)).toMatchObject({ available: 12, state: 'IN_STOCK' });
      expect(await levelOf(low.id)).toMatchObject({ available: 1, state: 'LOW_STOCK' });
      expect(await stateOf(none)).toBe('OUT_OF_STOCK');
      for (const variant of [plenty, low, none]) {
        expect(await eventsOf(variant)).toEqual([]);
        expect(await stateRowsOf(t, variant.id)).toEqual([]);
      }
    });
  });

  describe("a variant's own lowStockThreshold (setLimits)", () => {
    it('records the state a new threshold makes, with cause THRESHOLD', async () => {
      const variant = await newStockedVariant(t, { onHand: 8 });

      const raised = await stock.setLimits(variant.id, { lowStockThreshold: 8 });
      expect(raised).toMatchObject({ state: 'LOW_STOCK', limits: { lowStockThreshold: 8 } });
      await stock.setLimits(variant.id, { lowStockThreshold: 10 });
      const lowered = await stock.setLimits(variant.id, { lowStockThreshold: 7 });

      expect(lowered).toMatchObject({ state: 'IN_STOCK', limits: { lowStockThreshold: 7 } });
      expect(await eventsOf(variant)).toEqual([
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
      await stock.setLimits(dropping.id, { lowStockThreshold: 0 });
      await stock.setLimits(rising.id, { lowStockThreshold: 10 });
      const before = { dropping: await stateRowsOf(t, dropping.id), rising: await stateRowsOf(t, rising.id) };

      const intoLow = await stock.setLimits(dropping.id, { lowStockThreshold: null });
      const outOfLow = await stock.setLimits(rising.id, { lowStockThreshold: null });

      expect(intoLow).toMatchObject({ state: 'LOW_STOCK', limits: { lowStockThreshold: null } });
      expect(outOfLow).toMatchObject({ state: 'IN_STOCK', limits: { lowStockThreshold: null } });
      expect(await eventsOf(dropping)).toEqual([
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
      await stock.setLimits(variant.id, { lowStockThreshold: 10 });

      await adjust(variant.id, { delta: -2, reason: 'DAMAGE' });

      expect(await stateOf(variant)).toBe('LOW_STOCK');
      expect(await stateRowsOf(t, variant.id)).toEqual([
        stateRow('stock.low', 'IN_STOCK', 'LOW_STOCK', 'DAMAGE', 10, 0),
      ]);
    });

    it('lifts a variant out of LOW_STOCK with threshold 0, but never out of OUT_OF_STOCK', async () => {
      const single = await newStockedVariant(t, { onHand: 1 });
      const empty = await newStockedVariant(t, { onHand: 0 });

      const lifted = await stock.setLimits(single.id, { lowStockThreshold: 0 });
      const stillOut = await stock.setLimits(empty.id, { lowStockThreshold: 0 });

      expect(lifted.state).toBe('IN_STOCK');
      expect(stillOut.state).toBe('OUT_OF_STOCK');
      expect(await stateRowsOf(t, single.id)).toEqual([stateRow(null, 'LOW_STOCK', 'IN_STOCK', 'THRESHOLD', 1, 0)]);
      expect(await stateRowsOf(t, empty.id)).toEqual([]);
      expect(await eventsOf(single)).toEqual([]);
      expect(await eventsOf(empty)).toEqual([]);
    });
  });

  describe('holds: the ACTIVE reservations behind the reserved units', () => {
    const holdOf = (reservation: Awaited<ReturnType<typeof reserve>>, quantity: number) => ({
      reservationId: reservation.id,
      ownerId: reservation.ownerId,
      quantity,
      expiresAt: reservation.expiresAt,
      createdAt: reservation.createdAt,
    });
    const sumOf = (items: { quantity: number }[]) => items.reduce((sum, item) => sum + item.quantity, 0);

    it('are exactly the ACTIVE reservations, oldest first, adding up to the reserved units', async () => {
      const variant = await newStockedVariant(t, { onHand: 30 });
      const other = await newStockedVariant(t, { onHand: 30 });
      const first = await reserve(t, unique('first'), [line(variant, 2)]);
      const cancelled = await reserve(t, unique('cancelled'), [line(variant, 1)]);
      const second = await reserve(t, unique('second'), [line(other, 5), line(variant, 3)]);
      const confirmed = await reserve(t, unique('confirmed'), [line(variant, 1)]);
      const third = await reserve(t, unique('third'), [line(variant, 4)]);
      await reserve(t, unique('elsewhere'), [line(other, 6)]);
      await reservations.cancel(cancelled.id, ADMIN_PRINCIPAL);
      await reservations.confirm(confirmed.id, ADMIN_PRINCIPAL);

      const [items, total] = await stock.holds(variant.id, 20, 0);

      expect(items).toEqual([holdOf(first, 2), holdOf(second, 3), holdOf(third, 4)]);
      expect(total).toBe(3);
      expect(sumOf(items)).toBe((await levelOf(variant.id)).reserved);
    });

    it('lose a reservation once it is cancelled or confirmed, and stay equal to reserved', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const owner = newCustomer(t);
      const kept = await reserve(t, unique('kept'), [line(variant, 1)]);
      const cancelled = await reserve(t, owner.sub, [line(variant, 2)]);
      const confirmed = await reserve(t, unique('sold'), [line(variant, 3)]);

      const listed = async () => {
        const [items] = await stock.holds(variant.id, 20, 0);
        expect(sumOf(items)).toBe((await levelOf(variant.id)).reserved);
        return items.map((hold) => hold.reservationId);
      };

      expect(await listed()).toEqual([kept.id, cancelled.id, confirmed.id]);
      await reservations.cancel(cancelled.id, owner.principal);
      expect(await listed()).toEqual([kept.id, confirmed.id]);
      await reservations.confirm(confirmed.id, ADMIN_PRINCIPAL);
      expect(await listed()).toEqual([kept.id]);
    });
  });
});

describe('stock states on expiry (inventory module and its expiry processor)', () => {
  let t: MediumContext;

  beforeAll(async () => {
    // A one-second TTL, and the sweep an hour away: only the reservation's own Bull job expires it.
    t = await startModuleContext(INVENTORY_WITH_JOBS, {
      QUEUE_PREFIX: queuePrefix('stock-states-expiry-medium'),
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('records stock.back_in_stock with cause EXPIRE when the Bull job expires the hold', async () => {
    const variant = await newStockedVariant(t, { onHand: 10 });

    await reserve(t, unique('buyer'), [line(variant, 10)]);

    await eventually(async () => expect(await stateRowsOf(t, variant.id)).toHaveLength(2), 15_000);
    expect(await stateRowsOf(t, variant.id)).toEqual([
      stateRow('stock.out', 'IN_STOCK', 'OUT_OF_STOCK', 'RESERVE', 10, 10),
      stateRow('stock.back_in_stock', 'OUT_OF_STOCK', 'IN_STOCK', 'EXPIRE', 10, 0),
    ]);
    // Written with the state rows: no waiting for them.
    expect(await stockEventsOf(t, variant)).toEqual([
      stockEvent('stock.out', variant.id, 'IN_STOCK', 'OUT_OF_STOCK', 'RESERVE', 10, 10),
      stockEvent('stock.back_in_stock', variant.id, 'OUT_OF_STOCK', 'IN_STOCK', 'EXPIRE', 10, 0),
    ]);
    expect(await t.get(StockService).getForVariant(variant.id)).toMatchObject({ reserved: 0, state: 'IN_STOCK' });
    expect(await stockAudit(t)).toEqual({ drift: [], stuck: [] });
  });
});
