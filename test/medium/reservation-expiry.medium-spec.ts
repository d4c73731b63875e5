import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { InventoryService } from '../../src/inventory';
import { expireJobId, RESERVATIONS_QUEUE } from '../../src/inventory/reservations/reservation-expiry.queue';
import { ADMIN_PRINCIPAL } from '../support/customer.factory';
import {
  INVENTORY_WITH_JOBS,
  line,
  moveExpiry,
  newStockedVariant,
  reserve,
  stockDrift,
} from '../support/inventory.factory';
import { MediumContext, startModuleContext } from '../support/medium';
import { ledgerRowsOf, reservationStatusOf, stockRowOf } from '../support/rows';
import { queuePrefix, unique } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * Expiry through real Bull jobs on Redis. Each context gets a queue prefix of its own so
 * that only its processor (with its TTL and sweep interval) sees its jobs; statuses are
 * read from the table, since the facade's read expires an overdue reservation itself.
 */
describe('reservation expiry through Bull', () => {
  let t: MediumContext;
  let queue: Queue;

  beforeAll(async () => {
    // The sweep is far away here, so whatever expires a reservation in time is its own job.
    t = await startModuleContext(INVENTORY_WITH_JOBS, {
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '3600',
      QUEUE_PREFIX: queuePrefix('expiry'),
    });
    queue = t.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  it('expires a reservation when its job fires: stock returns, status EXPIRED, one ledger row', async () => {
    const variant = await newStockedVariant(t, { onHand: 5 });
    const reservation = await reserve(t, unique('buyer'), [line(variant, 3)]);
    expect(reservation.expiresAt.getTime() - reservation.createdAt.getTime()).toBe(1000);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ reserved: 3, available: 2 });

    await eventually(async () => expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED'));

    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    const releases = (await ledgerRowsOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE');
    expect(releases).toEqual([
      expect.objectContaining({ reservationId: reservation.id, delta: 0, reservedDelta: -3, reservedAfter: 0 }),
    ]);
  });

  it('gives reservations committed at the same time a job each, due at its own expiry', async () => {
    const variants = await Promise.all(Array.from({ length: 6 }, () => newStockedVariant(t, { onHand: 2 })));

    const reservations = await Promise.all(variants.map((variant) => reserve(t, unique('buyer'), [line(variant, 1)])));

    await eventually(
      async () => {
        const jobs = await Promise.all(reservations.map((reservation) => queue.getJob(expireJobId(reservation.id))));
        expect(jobs.map((job) => job?.data.reservationId)).toEqual(reservations.map((reservation) => reservation.id));
        // Each job was added to fire at its own reservation's expiry (the TTL here is 1 s).
        for (const job of jobs) expect(job!.opts.delay).toBeLessThanOrEqual(1000);
      },
      2000,
      20,
    );
    await eventually(async () => {
      const statuses = await Promise.all(reservations.map((reservation) => reservationStatusOf(t, reservation.id)));
      expect(statuses).toEqual(reservations.map(() => 'EXPIRED'));
    });
  });

  it('enqueues the expiry job only after the reservation commits, and never for a rolled-back one', async () => {
    const variant = await newStockedVariant(t, { onHand: 5 });
    const inventory = t.get(InventoryService);
    let reservationId = '';

    await expect(
      t.dataSource.transaction(async (tx) => {
        const reservation = await inventory.reserve(tx, { ownerId: unique('buyer'), lines: [line(variant, 1)] });
        reservationId = reservation.id;
        expect(await queue.getJob(expireJobId(reservation.id))).toBeNull();
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await queue.getJob(expireJobId(reservationId))).toBeNull();

    const committed = await reserve(t, unique('buyer'), [line(variant, 1)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(committed.id))).not.toBeNull(), 2000, 20);
  });

  it('removes the job of a confirmed reservation', async () => {
    const variant = await newStockedVariant(t, { onHand: 5 });
    const reservation = await reserve(t, unique('buyer'), [line(variant, 1)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);

    await t.get(InventoryService).confirmReservation(reservation.id, ADMIN_PRINCIPAL);

    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).toBeNull(), 2000, 20);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0 });
  });

  it('releases an overdue reservation inside the next checkout of its variant, before any job runs', async () => {
    const variant = await newStockedVariant(t, { onHand: 4 });
    const overdue = await reserve(t, unique('late'), [line(variant, 4)]);
    // Make it overdue at once; its job is still a second away.
    await moveExpiry(t, overdue.id, -1);

    const next = await reserve(t, unique('next'), [line(variant, 4)]);

    expect(next.status).toBe('ACTIVE');
    expect(await reservationStatusOf(t, overdue.id)).toBe('EXPIRED');
    const ledger = await ledgerRowsOf(t, variant.id);
    const release = ledger.find((row) => row.reason === 'EXPIRE' && row.reservationId === overdue.id);
    const reservation = ledger.find((row) => row.reason === 'RESERVE' && row.reservationId === next.id);
    // now() is the transaction's start: equal timestamps mean one transaction did both.
    expect(release?.createdAt).toBeDefined();
    expect(release?.createdAt).toBe(reservation?.createdAt);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 4 });

    // The overdue reservation's job still fires later and finds nothing to do.
    await eventually(async () => expect(await queue.getJob(expireJobId(overdue.id))).toBeNull(), 5000);
    expect((await ledgerRowsOf(t, variant.id)).filter((row) => row.reservationId === overdue.id)).toHaveLength(2);
  });

  it('releases every overdue reservation when one job fires, not only its own', async () => {
    const variants = [
      await newStockedVariant(t, { onHand: 3 }),
      await newStockedVariant(t, { onHand: 3 }),
      await newStockedVariant(t, { onHand: 3 }),
    ];
    const [firing, ...jobless] = await Promise.all(
      variants.map((variant) => reserve(t, unique('sale'), [line(variant, 2)])),
    );
    // The other two lose their jobs and are overdue already: only the first one's job can release them.
    for (const reservation of jobless) {
      await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);
      await (await queue.getJob(expireJobId(reservation.id)))!.remove();
      await moveExpiry(t, reservation.id, -1000);
    }
    // Read from the table: GET /api/reservations/:id would expire an overdue one itself.
    const statusOf = (id: string) => reservationStatusOf(t, id);

    await eventually(async () => expect(await statusOf(firing.id)).toBe('EXPIRED'));

    for (const reservation of jobless) expect(await statusOf(reservation.id)).toBe('EXPIRED');
    for (const variant of variants) expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });
});

describe('the reservation sweep', () => {
  let t: MediumContext;

  beforeAll(async () => {
    t = await startModuleContext(INVENTORY_WITH_JOBS, {
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '1',
      QUEUE_PREFIX: queuePrefix('sweep'),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('expires a reservation whose job Redis lost', async () => {
    const queue = t.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
    const variant = await newStockedVariant(t, { onHand: 2 });
    const reservation = await reserve(t, unique('lost'), [line(variant, 2)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);
    await (await queue.getJob(expireJobId(reservation.id)))!.remove();

    await eventually(async () => expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED'), 10_000);

    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await stockDrift(t)).toEqual([]);
  });
});

describe('reservations while Redis is unreachable', () => {
  let t: MediumContext;

  beforeAll(async () => {
    // Nothing listens on port 1: every queue command fails or waits.
    t = await startModuleContext(INVENTORY_WITH_JOBS, {
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_PREFIX: queuePrefix('down'),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('still reserves, and answers at once', async () => {
    const variant = await newStockedVariant(t, { onHand: 3 });
    const started = Date.now();

    const reservation = await reserve(t, unique('offline'), [line(variant, 2)]);

    expect(reservation.status).toBe('ACTIVE');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ reserved: 2 });
    await t.get(InventoryService).cancelReservation(reservation.id, ADMIN_PRINCIPAL);
  });
});

describe('expiry while Redis is unreachable', () => {
  let t: MediumContext;

  beforeAll(async () => {
    t = await startModuleContext(INVENTORY_WITH_JOBS, {
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_PREFIX: queuePrefix('down-sweep'),
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('releases overdue reservations in-process, without any job', async () => {
    const variant = await newStockedVariant(t, { onHand: 3 });
    const reservation = await reserve(t, unique('offline'), [line(variant, 2)]);
    const inventory = t.get(InventoryService);

    // Read through the service, not GET /api/reservations/:id: reading an overdue one over HTTP expires it.
    await eventually(
      async () =>
        expect((await inventory.getReservationStatuses([reservation.id])).get(reservation.id)).toBe('EXPIRED'),
      10_000,
    );
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });
});
