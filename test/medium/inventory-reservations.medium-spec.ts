import { InventoryService, ReservationView } from '../../src/inventory';
import { InsufficientStockError } from '../../src/inventory/inventory.errors';
import { newVariant } from '../support/catalog.factory';
import {
  INVENTORY_WITH_JOBS,
  line,
  makeOverdue,
  newStockedVariant,
  reservationEventPayload,
  reserve,
  stockDrift,
} from '../support/inventory.factory';
import { startModuleContext, MediumContext } from '../support/medium';
import {
  ledgerRowsOf,
  outboxEventsOf,
  reservationsOf,
  reservationStatusOf,
  rowSnapshotsOf,
  stockRowOf,
} from '../support/rows';
import { queuePrefix, unique } from '../support/test-app';

const CREATED = 'reservation.created';

describe(InventoryService.name, () => {
  let t: MediumContext;

  beforeAll(async () => {
    // Queues of their own and a far sweep: only the tests move these reservations.
    t = await startModuleContext(INVENTORY_WITH_JOBS, {
      QUEUE_PREFIX: queuePrefix('inventory-reservations'),
      RESERVATION_SWEEP_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('reserve() through the facade', () => {
    it('fails with every short line listed and writes nothing', async () => {
      const owner = unique('customer');
      const short = await newStockedVariant(t, { onHand: 5 });
      const enough = await newStockedVariant(t, { onHand: 3 });
      const empty = await newStockedVariant(t, { onHand: 0 });
      const neverStocked = await newVariant(t);
      const before = await rowSnapshotsOf(t, short, enough, empty, neverStocked);

      const error = await reserve(t, owner, [
        line(neverStocked, 1),
        line(short, 7),
        line(enough, 3),
        line(empty, 2),
      ]).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InsufficientStockError);
      const lines = [...(error as InsufficientStockError).lines].sort((a, b) => a.variantId - b.variantId);
      expect(lines).toEqual(
        [
          { variantId: short.id, requested: 7, available: 5 },
          { variantId: empty.id, requested: 2, available: 0 },
          { variantId: neverStocked.id, requested: 1, available: 0 },
        ].sort((a, b) => a.variantId - b.variantId),
      );
      expect(await rowSnapshotsOf(t, short, enough, empty, neverStocked)).toEqual(before);
      expect(await reservationsOf(t, owner)).toEqual([]);
      expect(await stockDrift(t)).toEqual([]);
    });

    it('counts what other reservations hold as unavailable', async () => {
      const variant = await newStockedVariant(t, { onHand: 5 });
      await reserve(t, unique('customer'), [line(variant, 4)]);

      const error = await reserve(t, unique('customer'), [line(variant, 2)]).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InsufficientStockError);
      expect((error as InsufficientStockError).lines).toEqual([{ variantId: variant.id, requested: 2, available: 1 }]);
      expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 4, available: 1 });
      expect(await stockDrift(t)).toEqual([]);
    });

    it('judges merged duplicate lines by their sum', async () => {
      const variant = await newStockedVariant(t, { onHand: 5 });

      const error = await reserve(t, unique('customer'), [line(variant, 3), line(variant, 3)]).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(InsufficientStockError);
      expect((error as InsufficientStockError).lines).toEqual([{ variantId: variant.id, requested: 6, available: 5 }]);
      expect(await stockRowOf(t, variant.id)).toMatchObject({ reserved: 0 });
    });

    it('releases an overdue reservation of the variant in the same transaction', async () => {
      const variant = await newStockedVariant(t, { onHand: 2 });
      const overdue = await reserve(t, unique('customer'), [line(variant, 2)]);
      await makeOverdue(t, overdue.id);

      const fresh = await reserve(t, unique('customer'), [line(variant, 2)]);

      expect(fresh.status).toBe('ACTIVE');
      expect(await reservationStatusOf(t, overdue.id)).toBe('EXPIRED');
      expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
      expect((await ledgerRowsOf(t, variant.id)).map((row) => row.reason)).toEqual([
        'COUNT',
        'RESERVE',
        'EXPIRE',
        'RESERVE',
      ]);
      expect(await stockDrift(t)).toEqual([]);
    });
  });

  describe('domain events', () => {
    const outboxOf = (id: string) => outboxEventsOf(t, 'reservation', id);

    it('publishes reservation.created with the customer, the owner reference and the lines, with the commit', async () => {
      const inventory = t.get(InventoryService);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const other = await newStockedVariant(t, { onHand: 5 });
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      let seenInsideTransaction: unknown[] | undefined;

      const reservation = await t.dataSource.transaction(async (tx) => {
        const reserved = await inventory.reserve(tx, {
          ownerId,
          ownerRef,
          lines: [line(variant, 1), line(other, 2, '2.25')],
        });
        // Another connection does not see it before the commit.
        seenInsideTransaction = await outboxOf(reserved.id);
        return reserved;
      });

      expect(seenInsideTransaction).toEqual([]);
      expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
      expect(await outboxOf(reservation.id)).toEqual([
        {
          type: CREATED,
          payload: {
            ...reservationEventPayload(reservation, ownerId, ownerRef),
            items: [
              { variantId: variant.id, quantity: 1 },
              { variantId: other.id, quantity: 2 },
            ],
            total: '14.50',
            currency: reservation.currency,
          },
        },
      ]);
      expect(reservation).toMatchObject({ status: 'ACTIVE', extendedCount: 0, closedAt: null });
    });

    it('publishes reservation.created with a null owner reference when none was given', async () => {
      const variant = await newStockedVariant(t, { onHand: 3 });
      const ownerId = unique('customer');

      const reservation = await reserve(t, ownerId, [line(variant, 1)]);

      expect(await outboxOf(reservation.id)).toEqual([
        {
          type: CREATED,
          payload: {
            ...reservationEventPayload(reservation, ownerId, null),
            items: [{ variantId: variant.id, quantity: 1 }],
            total: '10.00',
            currency: reservation.currency,
          },
        },
      ]);
    });

    it('publishes nothing, stores nothing and moves no stock when the surrounding transaction rolls back', async () => {
      const inventory = t.get(InventoryService);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const before = await rowSnapshotsOf(t, variant);
      const stockEventsBefore = await outboxEventsOf(t, 'stock', variant.id);
      const ownerId = unique('customer');
      let reserved: ReservationView | undefined;

      const outcome = t.dataSource.transaction(async (tx) => {
        reserved = await inventory.reserve(tx, { ownerId, ownerRef: unique('cart'), lines: [line(variant, 2)] });
        throw new Error('the caller failed after reserving');
      });

      await expect(outcome).rejects.toThrow('the caller failed after reserving');
      expect(reserved?.status).toBe('ACTIVE');
      expect(await outboxOf(reserved!.id)).toEqual([]);
      expect(await outboxEventsOf(t, 'stock', variant.id)).toEqual(stockEventsBefore);
      expect(await reservationStatusOf(t, reserved!.id)).toBeUndefined();
      expect(await reservationsOf(t, ownerId)).toEqual([]);
      expect(await rowSnapshotsOf(t, variant)).toEqual(before);
      expect(await stockDrift(t)).toEqual([]);
    });
  });
});
