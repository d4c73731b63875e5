import { InventoryService, ReservationView } from '../../src/inventory';
import { PurchaseLimitExceededError } from '../../src/inventory/inventory.errors';
import { TooManyHoldsError } from '../../src/inventory/inventory.errors';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import { StockService } from '../../src/inventory/stock/stock.service';
import {
  INVENTORY_WITH_JOBS,
  line,
  makeOverdue,
  newStockedVariant,
  reserve,
  stockDrift,
  StockedVariant,
} from '../support/inventory.factory';
import { MediumContext, startIsolatedModuleContext } from '../support/medium';
import { reservationStatusOf, stockRowOf } from '../support/rows';
import { queuePrefix, unique } from '../support/test-app';

/** Runs every attempt at once; returns the reservations made and the failures. */
async function race(attempts: (() => Promise<ReservationView>)[]) {
  const results = await Promise.allSettled(attempts.map((attempt) => attempt()));
  const made = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  return { made, failures };
}

/** What the services answer a reservation that goes past the customer's cap of the variant. */
function perCustomerBreach(variant: StockedVariant, limit: number, requested: number, alreadyHeld: number) {
  return [{ variantId: variant.id, limitKind: 'PER_CUSTOMER', limit, requested, alreadyHeld }];
}

/**
 * A context of its own queues, its sweep an hour away: nothing but the test moves its
 * reservations. The races queue up to 200 reserves behind one stock row: the waits for a
 * connection and for the lock get bounds a busy machine cannot reach, since what is
 * asserted is which reserves get through, not how long they queue.
 */
function startContext(label: string, env: Record<string, string>) {
  return startIsolatedModuleContext(label, INVENTORY_WITH_JOBS, {
    DATABASE_POOL_SIZE: '20',
    DATABASE_ACQUIRE_TIMEOUT_MS: '20000',
    DATABASE_LOCK_TIMEOUT_MS: '10000',
    QUEUE_PREFIX: queuePrefix(`${label}-medium`),
    RESERVATION_SWEEP_SECONDS: '3600',
    ...env,
  });
}

describe('purchase limits inside reserve', () => {
  let t: MediumContext;
  let inventory: InventoryService;

  beforeAll(async () => {
    // Far more holds than any test makes, so only the purchase limits refuse.
    t = await startContext('purchase-limits', { MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER: '50' });
    inventory = t.get(InventoryService);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  async function limitedVariant(limits: { maxPerOrder?: number; maxPerCustomer?: number; windowSeconds?: number }) {
    const variant = await newStockedVariant(t, { onHand: 100 });
    await t.get(StockService).setLimits(variant.id, limits);
    return variant;
  }

  function expectPerCustomerBreach(
    failure: unknown,
    variant: StockedVariant,
    limit: number,
    requested: number,
    alreadyHeld: number,
  ) {
    expect(failure).toBeInstanceOf(PurchaseLimitExceededError);
    expect((failure as PurchaseLimitExceededError).code).toBe('PURCHASE_LIMIT_EXCEEDED');
    expect((failure as PurchaseLimitExceededError).lines).toEqual(
      perCustomerBreach(variant, limit, requested, alreadyHeld),
    );
  }

  it('lets exactly 2 of 20 parallel one-unit reserves by one customer through a maxPerCustomer of 2', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2 });
    const buyer = unique('buyer');

    const { made, failures } = await race(
      Array.from({ length: 20 }, () => () => reserve(t, buyer, [line(variant, 1)])),
    );

    expect(made).toHaveLength(2);
    expect(failures).toHaveLength(18);
    for (const failure of failures) expectPerCustomerBreach(failure, variant, 2, 1, 2);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 2, available: 98 });
  });

  it('gives each of 10 customers racing 20 reserves each exactly their 2 units, interleaved', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2 });
    const buyers = Array.from({ length: 10 }, () => unique('buyer'));
    const attempts = Array.from({ length: 20 }, () =>
      buyers.map((buyer) => () => reserve(t, buyer, [line(variant, 1)])),
    ).flat();

    const { made, failures } = await race(attempts);

    for (const buyer of buyers) {
      expect(made.filter((reservation) => reservation.ownerId === buyer)).toHaveLength(2);
    }
    expect(failures).toHaveLength(180);
    for (const failure of failures) expectPerCustomerBreach(failure, variant, 2, 1, 2);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 20, available: 80 });
  });

  it('refuses a reservation whose lines of one variant add up past maxPerOrder, and reserves nothing', async () => {
    const variant = await limitedVariant({ maxPerOrder: 2 });

    const attempt = reserve(t, unique('buyer'), [line(variant, 1), line(variant, 2)]);

    await expect(attempt).rejects.toBeInstanceOf(PurchaseLimitExceededError);
    await expect(attempt).rejects.toMatchObject({
      lines: [{ variantId: variant.id, limitKind: 'PER_ORDER', limit: 2, requested: 3, alreadyHeld: 0 }],
    });
    expect(await stockRowOf(t, variant.id)).toMatchObject({ reserved: 0, available: 100 });
  });

  it('keeps counting confirmed units against maxPerCustomer', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2 });
    const buyer = unique('buyer');
    const bought = await reserve(t, buyer, [line(variant, 1)]);
    await inventory.confirmReservation(bought.id);

    await reserve(t, buyer, [line(variant, 1)]);
    const refused = await reserve(t, buyer, [line(variant, 1)]).catch((error: unknown) => error);

    expectPerCustomerBreach(refused, variant, 2, 1, 2);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 99, reserved: 1, available: 98 });
  });

  it('stops counting a confirmed purchase made before windowSeconds', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2, windowSeconds: 3600 });
    const buyer = unique('buyer');
    const bought = await reserve(t, buyer, [line(variant, 2)]);
    await inventory.confirmReservation(bought.id);
    expectPerCustomerBreach(
      await reserve(t, buyer, [line(variant, 1)]).catch((error: unknown) => error),
      variant,
      2,
      1,
      2,
    );

    await t.dataSource.query(`UPDATE reservations SET created_at = now() - interval '2 hours' WHERE id = $1`, [
      bought.id,
    ]);
    const again = await reserve(t, buyer, [line(variant, 2)]);

    expect(again.status).toBe('ACTIVE');
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 98, reserved: 2 });
  });

  it('does not count a cancelled reservation', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2 });
    const buyer = unique('buyer');
    const cancelled = await reserve(t, buyer, [line(variant, 2)]);
    await inventory.cancelReservation(cancelled.id);

    const again = await reserve(t, buyer, [line(variant, 2)]);

    expect(again.status).toBe('ACTIVE');
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 2 });
  });

  it('does not count an EXPIRED reservation', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2 });
    const buyer = unique('buyer');
    const expired = await reserve(t, buyer, [line(variant, 2)]);
    await makeOverdue(t, expired.id);
    await t.get(ReservationsService).expire(expired.id);
    expect(await reservationStatusOf(t, expired.id)).toBe('EXPIRED');

    const again = await reserve(t, buyer, [line(variant, 2)]);

    expect(again.status).toBe('ACTIVE');
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 2 });
  });

  it('does not count a hold past its expiry that nothing has released yet, and releases it', async () => {
    const variant = await limitedVariant({ maxPerCustomer: 2 });
    const buyer = unique('buyer');
    const overdue = await reserve(t, buyer, [line(variant, 2)]);
    await makeOverdue(t, overdue.id);

    const again = await reserve(t, buyer, [line(variant, 2)]);

    expect(again.status).toBe('ACTIVE');
    expect(await reservationStatusOf(t, overdue.id)).toBe('EXPIRED');
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 2 });
  });
});

describe('the cap on active holds inside reserve', () => {
  let t: MediumContext;
  let inventory: InventoryService;

  beforeAll(async () => {
    t = await startContext('purchase-limits-holds', { MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER: '3' });
    inventory = t.get(InventoryService);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  function expectTooManyHolds(failure: unknown) {
    expect(failure).toBeInstanceOf(TooManyHoldsError);
    expect((failure as TooManyHoldsError).code).toBe('TOO_MANY_HOLDS');
  }

  it('lets exactly 3 of 20 parallel reserves by one customer through, and refuses the rest with TOO_MANY_HOLDS', async () => {
    const variant = await newStockedVariant(t, { onHand: 100 });
    const buyer = unique('buyer');

    const { made, failures } = await race(
      Array.from({ length: 20 }, () => () => reserve(t, buyer, [line(variant, 1)])),
    );

    expect(made).toHaveLength(3);
    expect(failures).toHaveLength(17);
    for (const failure of failures) expectTooManyHolds(failure);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 3, available: 97 });
  });

  it('frees a place for each hold confirmed, cancelled or past its expiry, and for no other customer’s', async () => {
    const variant = await newStockedVariant(t, { onHand: 100 });
    const buyer = unique('buyer');
    const holds: ReservationView[] = [];
    for (let index = 0; index < 3; index++) holds.push(await reserve(t, buyer, [line(variant, 1)]));
    const refuse = () => reserve(t, buyer, [line(variant, 1)]).catch((error: unknown) => error);
    expectTooManyHolds(await refuse());
    await reserve(t, unique('other-buyer'), [line(variant, 1)]);

    await inventory.confirmReservation(holds[0].id);
    await reserve(t, buyer, [line(variant, 1)]);
    expectTooManyHolds(await refuse());

    await inventory.cancelReservation(holds[1].id);
    await reserve(t, buyer, [line(variant, 1)]);
    expectTooManyHolds(await refuse());

    await makeOverdue(t, holds[2].id);
    await reserve(t, buyer, [line(variant, 1)]);
    expectTooManyHolds(await refuse());

    expect(await reservationStatusOf(t, holds[2].id)).toBe('EXPIRED');
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 99, reserved: 4 });
  });
});
