import { InventoryService, ReservationView } from '../../src/inventory';
import { InsufficientStockError } from '../../src/inventory/inventory.errors';
import { ReservationExpiryProcessor } from '../../src/inventory/reservations/reservation-expiry.processor';
import { ADMIN_PRINCIPAL } from '../support/customer.factory';
import {
  BYSTANDER_UNITS,
  closingRowsOf,
  INVENTORY_WITH_JOBS,
  line,
  moveExpiry,
  newStockedVariant,
  newVariantWithBystander,
  reserve,
  stockDrift,
  StockedVariant,
} from '../support/inventory.factory';
import { MediumContext, startModuleContext } from '../support/medium';
import { ledgerRowsOf, stockRowOf } from '../support/rows';
import { unique } from '../support/test-app';
import { sleep } from '../support/wait';

/**
 * Races on stock through the real facade, PostgreSQL row locks and guarded updates. Every
 * test ends with the audit: counters, ledger and active reservations must agree.
 */
describe('inventory under concurrency', () => {
  let t: MediumContext;
  let inventory: InventoryService;

  beforeAll(async () => {
    t = await startModuleContext(INVENTORY_WITH_JOBS, { DATABASE_POOL_SIZE: '20' });
    inventory = t.get(InventoryService);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  /** Runs every attempt at once; returns the reservations made and the failures. */
  /** Runs every attempt at once; returns the reservations made and the failures. */
  async function race(attempts: (() => Promise<ReservationView>)[]) {
    const results = await Promise.allSettled(attempts.map((attempt) => attempt()));
    const made = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    return { made, failures };
  }

  it('lets exactly as many of 120 parallel one-unit reservations succeed as there are units', async () => {
    const variant = await newStockedVariant(t, { onHand: 7 });

    const { made, failures } = await race(
      Array.from({ length: 120 }, (_, index) => () => reserve(t, `buyer-${index}`, [line(variant, 1)])),
    );

    expect(made).toHaveLength(7);
    expect(failures).toHaveLength(113);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(InsufficientStockError);
      expect((failure as InsufficientStockError).lines).toEqual([
        { variantId: variant.id, requested: 1, available: 0 },
      ]);
    }
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 7, reserved: 7, available: 0 });
    const ledger = await ledgerRowsOf(t, variant.id);
    expect(ledger.filter((row) => row.reason === 'RESERVE')).toHaveLength(7);
  });

  it('never reserves more than on hand when parallel requests ask for different quantities', async () => {
    const variant = await newStockedVariant(t, { onHand: 25 });
    const quantities = Array.from({ length: 100 }, (_, index) => 1 + (index % 4));

    const { made } = await race(
      quantities.map((quantity) => () => reserve(t, unique('buyer'), [line(variant, quantity)])),
    );

    const reserved = made.reduce((sum, reservation) => sum + reservation.items[0].quantity, 0);
    expect(reserved).toBeLessThanOrEqual(25);
    // Requests ask for 1 to 4 units, so a shortfall of more than 3 would mean a lost unit.
    expect(reserved).toBeGreaterThan(25 - 4);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 25, reserved });
  });

  it('reserves multi-line requests over shared variants in opposite line orders without a deadlock', async () => {
    const variants = await Promise.all([1, 2, 3].map(() => newStockedVariant(t, { onHand: 1000 })));
    const orders: StockedVariant[][] = [variants, [...variants].reverse(), [variants[1], variants[2], variants[0]]];

    const { made, failures } = await race(
      Array.from(
        { length: 60 },
        (_, index) => () =>
          reserve(
            t,
            `multi-${index}`,
            orders[index % orders.length].map((variant) => line(variant, 2)),
          ),
      ),
    );

    expect(failures).toEqual([]);
    expect(made).toHaveLength(60);
    for (const variant of variants) {
      expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 1000, reserved: 120 });
    }
  });

  it('fails a multi-line request as a whole, listing every short line, while others race for the same units', async () => {
    const plenty = await newStockedVariant(t, { onHand: 1000 });
    const scarce = await newStockedVariant(t, { onHand: 3 });

    const { made, failures } = await race(
      Array.from({ length: 40 }, (_, index) => () => reserve(t, `mixed-${index}`, [line(plenty, 1), line(scarce, 1)])),
    );

    expect(made).toHaveLength(3);
    expect(failures).toHaveLength(37);
    // The plentiful line of a failed request was not reserved either: all lines or none.
    expect(await stockRowOf(t, plenty.id)).toMatchObject({ reserved: 3 });
    expect(await stockRowOf(t, scarce.id)).toMatchObject({ reserved: 3 });
  });

  describe('transitions racing each other', () => {
    /** A reservation whose expiry falls about now, so that expiry and the other transition truly race. */
    async function reservationExpiringNow(variant: StockedVariant): Promise<ReservationView> {
      const reservation = await reserve(t, unique('racer'), [line(variant, 2)]);
      await moveExpiry(t, reservation.id, 20);
      await sleep(20);
      return reservation;
    }

    const expireJob = (reservationId: string) =>
      t
        .get(ReservationExpiryProcessor)
        .expire({ data: { reservationId } } as never)
        .catch(() => undefined);

    const transitions = {
      confirm: (id: string) => inventory.confirmReservation(id, ADMIN_PRINCIPAL),
      cancel: (id: string) => inventory.cancelReservation(id, ADMIN_PRINCIPAL),
    };

    it.each([
      ['confirm', 'confirm', 'CONFIRMED', 'SALE'],
      ['cancel', 'cancel', 'CANCELLED', 'CANCEL'],
    ])('expiry versus %s: one transition wins and stock moves once', async (_name, action, wonStatus, wonReason) => {
      const outcomes = new Set<string>();
      for (let round = 0; round < 12; round++) {
        const variant = await newVariantWithBystander(t);
        const reservation = await reservationExpiringNow(variant);

        await Promise.all([
          transitions[action as keyof typeof transitions](reservation.id).catch(() => undefined),
          expireJob(reservation.id),
          expireJob(reservation.id),
        ]);

        const body = await inventory.getReservation(reservation.id, ADMIN_PRINCIPAL);
        outcomes.add(body.status);
        const rows = await closingRowsOf(t, variant, reservation.id);
        expect(rows).toHaveLength(1);
        const stock = await stockRowOf(t, variant.id);
        expect(stock.reserved).toBe(BYSTANDER_UNITS);
        if (body.status === wonStatus) {
          expect(rows[0].reason).toBe(wonReason);
          expect(stock.onHand).toBe(action === 'confirm' ? 8 : 10);
        } else {
          expect(body.status).toBe('EXPIRED');
          expect(rows[0].reason).toBe('EXPIRE');
          expect(stock.onHand).toBe(10);
        }
      }
      // Whichever won, the outcome is one of the two; both orders are legal.
      expect([...outcomes].every((status) => [wonStatus, 'EXPIRED'].includes(status))).toBe(true);
    });

    it('processes the same expiry job delivered five times at once as one release', async () => {
      const variant = await newVariantWithBystander(t);
      const reservation = await reserve(t, unique('twice'), [line(variant, 4)]);
      await moveExpiry(t, reservation.id, 0);

      await Promise.all(Array.from({ length: 5 }, () => expireJob(reservation.id)));

      const rows = await closingRowsOf(t, variant, reservation.id);
      expect(rows).toEqual([expect.objectContaining({ reason: 'EXPIRE', reservedDelta: -4 })]);
      expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: BYSTANDER_UNITS });
    });
  });
});
