import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { ReservationView } from '../../src/inventory';
import { HoldLimitReachedError, ReservationNotActiveError } from '../../src/inventory/inventory.errors';
import { expireJobId, RESERVATIONS_QUEUE } from '../../src/inventory/reservations/reservation-expiry.queue';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import { ADMIN_PRINCIPAL } from '../support/customer.factory';
import {
  INVENTORY_WITH_JOBS,
  line,
  moveExpiry,
  newStockedVariant,
  reserve,
  stockDrift,
  StockedVariant,
} from '../support/inventory.factory';
import { MediumContext, startIsolatedModuleContext } from '../support/medium';
import { ledgerRowsOf, reservationStatusOf, stockRowOf } from '../support/rows';
import { queuePrefix, unique } from '../support/test-app';
import { eventually, sleep } from '../support/wait';

const ON_HAND = 5;
const QUANTITY = 2;
const RACES = 20;

/**
 * Extensions against the real expiry jobs on Redis: a one-second TTL, so that a job of
 * the original expiry time fires during the test, and a 30-second cap. The sweep is an
 * hour away and the queue prefix the file's own, so only this context's jobs expire its
 * reservations. Statuses are read from the table: the service's read expires an overdue
 * reservation itself.
 */
describe('extending a reservation against its expiry job', () => {
  let t: MediumContext;
  let queue: Queue;
  let reservations: ReservationsService;

  beforeAll(async () => {
    t = await startIsolatedModuleContext('reservation-extend', INVENTORY_WITH_JOBS, {
      RESERVATION_TTL_SECONDS: '1',
      RESERVATION_MAX_HOLD_SECONDS: '30',
      RESERVATION_SWEEP_SECONDS: '3600',
      QUEUE_PREFIX: queuePrefix('reservation-extend-medium'),
    });
    queue = t.get<Queue>(getQueueToken(RESERVATIONS_QUEUE));
    reservations = t.get(ReservationsService);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  /** A reservation of QUANTITY units of each of two new variants with ON_HAND units. */
  async function newHold(): Promise<{ variants: StockedVariant[]; reservation: ReservationView }> {
    const variants = [await newStockedVariant(t, { onHand: ON_HAND }), await newStockedVariant(t, { onHand: ON_HAND })];
    const reservation = await reserve(
      t,
      unique('buyer'),
      variants.map((variant) => line(variant, QUANTITY)),
    );
    return { variants, reservation };
  }

  /** The reservation's ledger rows on the variant besides its RESERVE. */
  async function closingRows(variant: StockedVariant, reservationId: string) {
    return (await ledgerRowsOf(t, variant.id)).filter(
      (row) => row.reservationId === reservationId && row.reason !== 'RESERVE',
    );
  }

  async function extendedCountOf(reservationId: string): Promise<number> {
    const [row] = await t.dataSource.query('SELECT extended_count FROM reservations WHERE id = $1', [reservationId]);
    return row.extended_count as number;
  }

  const jobOf = (reservationId: string, extendedCount: number) =>
    queue.getJob(expireJobId(reservationId, extendedCount));

  /** Asserts the job exists and is due when the reservation is (give or take the time to enqueue it). */
  async function expectJobDueAt(reservationId: string, extendedCount: number, expiresAt: Date): Promise<void> {
    const job = await jobOf(reservationId, extendedCount);
    expect(job).not.toBeNull();
    expect(job!.data).toEqual({ reservationId, extendedCount });
    const dueAt = job!.timestamp + (job!.opts.delay ?? 0);
    expect(Math.abs(dueAt - expiresAt.getTime())).toBeLessThan(250);
  }

  async function expectHeld(variants: StockedVariant[], reservationId: string): Promise<void> {
    for (const variant of variants) {
      expect(await stockRowOf(t, variant.id)).toEqual({
        variantId: variant.id,
        onHand: ON_HAND,
        reserved: QUANTITY,
        available: ON_HAND - QUANTITY,
      });
      expect(await closingRows(variant, reservationId)).toEqual([]);
    }
  }

  async function expectExpiredOnce(variants: StockedVariant[], reservationId: string): Promise<void> {
    for (const variant of variants) {
      expect(await stockRowOf(t, variant.id)).toEqual({
        variantId: variant.id,
        onHand: ON_HAND,
        reserved: 0,
        available: ON_HAND,
      });
      expect(await closingRows(variant, reservationId)).toEqual([
        expect.objectContaining({ reason: 'EXPIRE', delta: 0, reservedDelta: -QUANTITY }),
      ]);
    }
  }

  it('moves the expiry job to the new time and removes the old one', async () => {
    const { reservation } = await newHold();
    await eventually(async () => expect(await jobOf(reservation.id, 0)).not.toBeNull(), 2000, 20);

    const once = await reservations.extend(reservation.id, 5);

    expect(once.extendedCount).toBe(1);
    await eventually(
      async () => {
        await expectJobDueAt(reservation.id, 1, once.expiresAt);
        expect(await jobOf(reservation.id, 0)).toBeNull();
      },
      2000,
      20,
    );

    const twice = await reservations.extend(reservation.id, 10);

    expect(twice.extendedCount).toBe(2);
    await eventually(
      async () => {
        await expectJobDueAt(reservation.id, 2, twice.expiresAt);
        expect(await jobOf(reservation.id, 1)).toBeNull();
      },
      2000,
      20,
    );
    expect(await jobOf(reservation.id, 0)).toBeNull();

    await reservations.cancel(reservation.id, ADMIN_PRINCIPAL);
    await eventually(async () => expect(await jobOf(reservation.id, 2)).toBeNull(), 2000, 20);
  });

  it('is not expired at its old time, and is expired by the moved job after the new one', async () => {
    const { variants, reservation } = await newHold();

    const extended = await reservations.extend(reservation.id, 6);

    // Past the original one-second TTL: the old job must not release it.
    await sleep(Math.max(reservation.expiresAt.getTime() - Date.now(), 0) + 700);
    expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
    await expectHeld(variants, reservation.id);

    await eventually(async () => expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED'), 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(extended.expiresAt.getTime());
    await expectExpiredOnce(variants, reservation.id);
    expect(await extendedCountOf(reservation.id)).toBe(1);
  });

  it('lets a job of the superseded time that fires anyway settle without releasing anything', async () => {
    const { variants, reservation } = await newHold();
    await reservations.extend(reservation.id, 20);
    await sleep(Math.max(reservation.expiresAt.getTime() - Date.now(), 0) + 200);

    await expect(reservations.expire(reservation.id, 0)).resolves.toBe(true);

    expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
    await expectHeld(variants, reservation.id);
    // The current job, fired early, is not settled: Bull retries it.
    await expect(reservations.expire(reservation.id, 1)).resolves.toBe(false);
    expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');

    await reservations.cancel(reservation.id, ADMIN_PRINCIPAL);
  });

  it('lets a job of a superseded time release the reservation once the new time has passed too', async () => {
    const { variants, reservation } = await newHold();
    const extended = await reservations.extend(reservation.id, 2);
    // The extension's own job is lost (Redis flushed, say): only the old job is left to fire.
    await eventually(async () => expect(await jobOf(reservation.id, 1)).not.toBeNull(), 2000, 20);
    await (await jobOf(reservation.id, 1))!.remove();
    await sleep(Math.max(extended.expiresAt.getTime() - Date.now(), 0) + 100);

    await expect(reservations.expire(reservation.id, 0)).resolves.toBe(true);

    expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED');
    await expectExpiredOnce(variants, reservation.id);
  });

  it('answers RESERVATION_NOT_ACTIVE for a reservation past its expiry, and expires it: its stock is back', async () => {
    const { variants, reservation } = await newHold();
    // Without its job only the extension can find it overdue.
    await eventually(async () => expect(await jobOf(reservation.id, 0)).not.toBeNull(), 2000, 20);
    await (await jobOf(reservation.id, 0))!.remove();
    await sleep(Math.max(reservation.expiresAt.getTime() - Date.now(), 0) + 100);
    expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');

    await expect(reservations.extend(reservation.id, 20)).rejects.toBeInstanceOf(ReservationNotActiveError);

    expect(await reservationStatusOf(t, reservation.id)).toBe('EXPIRED');
    expect(await extendedCountOf(reservation.id)).toBe(0);
    await expectExpiredOnce(variants, reservation.id);
  });

  it('answers HOLD_LIMIT_REACHED at the 30-second cap, whose job is due at maxExpiresAt', async () => {
    const { reservation } = await newHold();

    const capped = await reservations.extend(reservation.id, 86_400);

    expect(capped.expiresAt).toEqual(reservation.maxExpiresAt);
    expect(capped.maxExpiresAt.getTime() - capped.createdAt.getTime()).toBe(30_000);
    await eventually(async () => expectJobDueAt(reservation.id, 1, reservation.maxExpiresAt), 2000, 20);
    const refused = reservations.extend(reservation.id, 5);
    await expect(refused).rejects.toBeInstanceOf(HoldLimitReachedError);
    await expect(refused).rejects.toMatchObject({ code: 'HOLD_LIMIT_REACHED' });
    expect(await extendedCountOf(reservation.id)).toBe(1);

    await reservations.cancel(reservation.id, ADMIN_PRINCIPAL);
  });

  it('settles each race of an extension with the expiry at its due time one way: extended or expired', async () => {
    // Each pair starts around its own reservation's due time, from 150 ms before to 30 ms after.
    const races = await Promise.all(
      Array.from({ length: RACES }, async (_, index) => {
        const hold = await newHold();
        const jitterMs = (index % 10) * 20 - 150;
        await sleep(Math.max(hold.reservation.expiresAt.getTime() - Date.now() + jitterMs, 0));
        const [extended, expired] = await Promise.allSettled([
          reservations.extend(hold.reservation.id, 20),
          reservations.expire(hold.reservation.id, 0),
        ]);
        return { ...hold, extended, expired };
      }),
    );

    const outcomes: string[] = [];
    for (const { variants, reservation, extended, expired } of races) {
      expect(expired.status).toBe('fulfilled');
      const status = await reservationStatusOf(t, reservation.id);
      outcomes.push(String(status));
      if (status === 'ACTIVE') {
        expect(extended).toMatchObject({ status: 'fulfilled', value: { status: 'ACTIVE', extendedCount: 1 } });
        expect(await extendedCountOf(reservation.id)).toBe(1);
        await expectHeld(variants, reservation.id);
      } else {
        expect(status).toBe('EXPIRED');
        expect(extended.status).toBe('rejected');
        const reason = (extended as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(ReservationNotActiveError);
        expect(reason).toMatchObject({ code: 'RESERVATION_NOT_ACTIVE' });
        expect(await extendedCountOf(reservation.id)).toBe(0);
        await expectExpiredOnce(variants, reservation.id);
      }
    }
    expect(outcomes).toHaveLength(RACES);
    expect(await stockDrift(t)).toEqual([]);

    // The jobs of the old time still fire for the extended ones, and must leave them held.
    await sleep(500);
    for (const [index, { variants, reservation }] of races.entries()) {
      if (outcomes[index] !== 'ACTIVE') continue;
      expect(await reservationStatusOf(t, reservation.id)).toBe('ACTIVE');
      await expectHeld(variants, reservation.id);
      await reservations.cancel(reservation.id, ADMIN_PRINCIPAL);
    }
  });

  it('settles each race of an extension with a confirm as one sale, whichever goes first', async () => {
    const holds = await Promise.all(
      Array.from({ length: RACES }, async () => {
        const hold = await newHold();
        // Far enough off that none falls due during the race, and still under the 30-second cap.
        await moveExpiry(t, hold.reservation.id, 15_000);
        return hold;
      }),
    );

    const races = await Promise.all(
      holds.map(async (hold) => {
        const [extended, confirmed] = await Promise.allSettled([
          reservations.extend(hold.reservation.id, 25),
          reservations.confirm(hold.reservation.id, ADMIN_PRINCIPAL),
        ]);
        return { ...hold, extended, confirmed };
      }),
    );

    for (const { variants, reservation, extended, confirmed } of races) {
      expect(confirmed).toMatchObject({ status: 'fulfilled', value: { status: 'CONFIRMED' } });
      expect(await reservationStatusOf(t, reservation.id)).toBe('CONFIRMED');
      if (extended.status === 'fulfilled') {
        expect(extended.value.extendedCount).toBe(1);
        expect(await extendedCountOf(reservation.id)).toBe(1);
      } else {
        expect(extended.reason).toBeInstanceOf(ReservationNotActiveError);
        expect(await extendedCountOf(reservation.id)).toBe(0);
      }
      for (const variant of variants) {
        expect(await stockRowOf(t, variant.id)).toEqual({
          variantId: variant.id,
          onHand: ON_HAND - QUANTITY,
          reserved: 0,
          available: ON_HAND - QUANTITY,
        });
        expect(await closingRows(variant, reservation.id)).toEqual([
          expect.objectContaining({ reason: 'SALE', delta: -QUANTITY, reservedDelta: -QUANTITY }),
        ]);
      }
    }
  });
});
