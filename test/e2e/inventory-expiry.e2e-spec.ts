import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { InventoryService } from '../../src/inventory';
import { expireJobId, RESERVATIONS_QUEUE } from '../../src/inventory/reservation-expiry.queue';
import {
  auditDrift,
  createStockedVariant,
  eventually,
  ledgerOf,
  line,
  reserve,
  stockOf,
} from '../support/inventory.factory';
import { startTestApp, TestApp, unique } from '../support/test-app';

/**
 * Expiry through real Bull jobs on Redis. Each app gets a queue prefix of its own so
 * that only its processor (with its TTL and sweep interval) sees its jobs.
 */
const queuePrefix = (name: string) => `${process.env.QUEUE_PREFIX}:${name}`;

async function reservationStatus(t: TestApp, id: string): Promise<string> {
  const response = await t.http.get(`/api/reservations/${id}`).set('authorization', t.admin).expect(200);
  return response.body.status;
}

describe('reservation expiry through Bull', () => {
  let t: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    // The sweep is far away here, so whatever expires a reservation in time is its own job.
    t = await startTestApp({
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '3600',
      QUEUE_PREFIX: queuePrefix('expiry'),
    });
    queue = t.app.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await auditDrift(t)).toEqual([]);
  });

  it('expires a reservation when its job fires: stock returns, status EXPIRED, one ledger row', async () => {
    const variant = await createStockedVariant(t, 5);
    const reservation = await reserve(t, unique('buyer'), [line(variant, 3)]);
    expect(reservation.expiresAt.getTime() - reservation.createdAt.getTime()).toBe(1000);
    expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 3, available: 2 });

    await eventually(async () => expect(await reservationStatus(t, reservation.id)).toBe('EXPIRED'));

    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    const releases = (await ledgerOf(t, variant.id)).filter((row) => row.reason === 'EXPIRE');
    expect(releases).toEqual([
      expect.objectContaining({ reservationId: reservation.id, delta: 0, reservedDelta: -3, reservedAfter: 0 }),
    ]);
  });

  it('enqueues the expiry job only after the reservation commits, and never for a rolled-back one', async () => {
    const variant = await createStockedVariant(t, 5);
    const inventory = t.app.get(InventoryService);
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
    const variant = await createStockedVariant(t, 5);
    const reservation = await reserve(t, unique('buyer'), [line(variant, 1)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);

    await t.http.post(`/api/reservations/${reservation.id}/confirm`).set('authorization', t.admin).expect(200);

    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).toBeNull(), 2000, 20);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 0 });
  });

  it('releases an overdue reservation inside the next checkout of its variant, before any job runs', async () => {
    const variant = await createStockedVariant(t, 4);
    const overdue = await reserve(t, unique('late'), [line(variant, 4)]);
    // Make it overdue at once; its job is still a second away.
    await t.dataSource.query(`UPDATE reservations SET expires_at = now() - interval '1 millisecond' WHERE id = $1`, [
      overdue.id,
    ]);

    const next = await reserve(t, unique('next'), [line(variant, 4)]);

    expect(next.status).toBe('ACTIVE');
    expect(await reservationStatus(t, overdue.id)).toBe('EXPIRED');
    const ledger = await ledgerOf(t, variant.id);
    const release = ledger.find((row) => row.reason === 'EXPIRE' && row.reservationId === overdue.id);
    const reservation = ledger.find((row) => row.reason === 'RESERVE' && row.reservationId === next.id);
    // now() is the transaction's start: equal timestamps mean one transaction did both.
    expect(release?.createdAt).toBeDefined();
    expect(release?.createdAt).toBe(reservation?.createdAt);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 4, reserved: 4 });

    // The overdue reservation's job still fires later and finds nothing to do.
    await eventually(async () => expect(await queue.getJob(expireJobId(overdue.id))).toBeNull(), 5000);
    expect((await ledgerOf(t, variant.id)).filter((row) => row.reservationId === overdue.id)).toHaveLength(2);
  });

  it('releases every overdue reservation when one job fires, not only its own', async () => {
    const variants = [
      await createStockedVariant(t, 3),
      await createStockedVariant(t, 3),
      await createStockedVariant(t, 3),
    ];
    const [firing, ...jobless] = await Promise.all(
      variants.map((variant) => reserve(t, unique('sale'), [line(variant, 2)])),
    );
    // The other two lose their jobs and are overdue already: only the first one's job can release them.
    for (const reservation of jobless) {
      await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);
      await (await queue.getJob(expireJobId(reservation.id)))!.remove();
      await t.dataSource.query(`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        reservation.id,
      ]);
    }
    // Read from the table: GET /api/reservations/:id would expire an overdue one itself.
    const statusOf = async (id: string) =>
      ((await t.dataSource.query(`SELECT status FROM reservations WHERE id = $1`, [id])) as { status: string }[])[0]
        .status;

    await eventually(async () => expect(await statusOf(firing.id)).toBe('EXPIRED'));

    for (const reservation of jobless) expect(await statusOf(reservation.id)).toBe('EXPIRED');
    for (const variant of variants) expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });
});

describe('the reservation sweep', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_SWEEP_SECONDS: '1',
      QUEUE_PREFIX: queuePrefix('sweep'),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('expires a reservation whose job Redis lost', async () => {
    const queue = t.app.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
    const variant = await createStockedVariant(t, 2);
    const reservation = await reserve(t, unique('lost'), [line(variant, 2)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);
    await (await queue.getJob(expireJobId(reservation.id)))!.remove();

    await eventually(async () => expect(await reservationStatus(t, reservation.id)).toBe('EXPIRED'), 10_000);

    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await auditDrift(t)).toEqual([]);
  });
});

describe('reservations while Redis is unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 1: every queue command fails or waits.
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: queuePrefix('down') });
  });

  afterAll(async () => {
    await t.close();
  });

  it('still reserves, and answers at once', async () => {
    const variant = await createStockedVariant(t, 3);
    const started = Date.now();

    const reservation = await reserve(t, unique('offline'), [line(variant, 2)]);

    expect(reservation.status).toBe('ACTIVE');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 2 });
    await t.http.post(`/api/reservations/${reservation.id}/cancel`).set('authorization', t.admin).expect(200);
  });
});

describe('expiry while Redis is unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
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
    const variant = await createStockedVariant(t, 3);
    const reservation = await reserve(t, unique('offline'), [line(variant, 2)]);
    const inventory = t.app.get(InventoryService);

    // Read through the service, not GET /api/reservations/:id: reading an overdue one over HTTP expires it.
    await eventually(
      async () =>
        expect((await inventory.getReservationStatuses([reservation.id])).get(reservation.id)).toBe('EXPIRED'),
      10_000,
    );
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3, reserved: 0 });
  });
});

describe('the audit of stuck reservations', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing releases a reservation here unless asked: the sweep is an hour away.
    t = await startTestApp({
      QUEUE_PREFIX: queuePrefix('stuck'),
      RESERVATION_SWEEP_SECONDS: '3600',
      RESERVATION_STUCK_GRACE_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists an ACTIVE reservation past its expiry and the grace, and is not consistent until it is released', async () => {
    const queue = t.app.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
    const variant = await createStockedVariant(t, 2);
    const reservation = await reserve(t, unique('stuck'), [line(variant, 1)]);
    await eventually(async () => expect(await queue.getJob(expireJobId(reservation.id))).not.toBeNull(), 2000, 20);
    await (await queue.getJob(expireJobId(reservation.id)))!.remove();
    // What a lost job and a sweep that never runs leave behind, some seconds on.
    await t.dataSource.query(`UPDATE reservations SET expires_at = now() - interval '5 seconds' WHERE id = $1`, [
      reservation.id,
    ]);

    const stuck = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);

    expect(stuck.body.consistent).toBe(false);
    expect(stuck.body.stuck).toContainEqual({ reservationId: reservation.id, expiresAt: expect.any(String) });

    expect(await reservationStatus(t, reservation.id)).toBe('EXPIRED');
    const after = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
    expect(after.body.stuck).not.toContainEqual(expect.objectContaining({ reservationId: reservation.id }));
  });
});
