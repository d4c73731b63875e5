import { InventoryService, ReservationView } from '../../src/inventory';
import { InsufficientStockError } from '../../src/inventory/inventory.errors';
import { newVariant } from '../support/catalog.factory';
import {
  INVENTORY_WITH_JOBS,
  line,
  makeOverdue,
  newStockedVariant,
  reservationEventRecorder,
  reserve,
  stockDrift,
} from '../support/inventory.factory';
import { startModuleContext, MediumContext } from '../support/medium';
import { ledgerRowsOf, reservationsOf, reservationStatusOf, rowSnapshotsOf, stockRowOf } from '../support/rows';
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
    /** Records the three events; each one also notes the reservation's status as another connection sees it. */
    const record = reservationEventRecorder(() => t);

    it('emits reservation.created with the owner and the owner reference after the commit', async () => {
      const { events, of, seenStatuses } = record();
      const inventory = t.get(InventoryService);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const ownerId = unique('customer');
      const ownerRef = unique('cart');
      let eventsInsideTransaction = -1;

      const reservation = await t.dataSource.transaction(async (tx) => {
        const reserved = await inventory.reserve(tx, { ownerId, ownerRef, lines: [line(variant, 1)] });
        eventsInsideTransaction = events.filter((event) => event.payload.ownerId === ownerId).length;
        return reserved;
      });

      expect(eventsInsideTransaction).toBe(0);
      expect(of(reservation.id)).toEqual([
        { name: CREATED, payload: { reservationId: reservation.id, ownerId, ownerRef } },
      ]);
      expect(await seenStatuses()).toEqual(['ACTIVE']);
    });

    it('emits reservation.created with a null owner reference when none was given', async () => {
      const { of } = record();
      const variant = await newStockedVariant(t, { onHand: 3 });
      const ownerId = unique('customer');

      const reservation = await reserve(t, ownerId, [line(variant, 1)]);

      expect(of(reservation.id)).toEqual([
        { name: CREATED, payload: { reservationId: reservation.id, ownerId, ownerRef: null } },
      ]);
    });

    it('emits nothing, stores nothing and moves no stock when the surrounding transaction rolls back', async () => {
      const { events } = record();
      const inventory = t.get(InventoryService);
      const variant = await newStockedVariant(t, { onHand: 3 });
      const before = await rowSnapshotsOf(t, variant);
      const ownerId = unique('customer');
      let reserved: ReservationView | undefined;

      const outcome = t.dataSource.transaction(async (tx) => {
        reserved = await inventory.reserve(tx, { ownerId, ownerRef: unique('cart'), lines: [line(variant, 2)] });
        throw new Error('the caller failed after reserving');
      });

      await expect(outcome).rejects.toThrow('the caller failed after reserving');
      expect(reserved?.status).toBe('ACTIVE');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events.filter((event) => event.payload.ownerId === ownerId)).toEqual([]);
      expect(await reservationStatusOf(t, reserved!.id)).toBeUndefined();
      expect(await reservationsOf(t, ownerId)).toEqual([]);
      expect(await rowSnapshotsOf(t, variant)).toEqual(before);
      expect(await stockDrift(t)).toEqual([]);
    });
  });
});
