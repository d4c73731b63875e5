import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { IDEMPOTENCY_QUEUE, IdempotencyService } from '../../src/shared/idempotency';
import { cartUseCases } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { newStockedVariant } from '../support/inventory.factory';
import { MediumContext, startIsolatedMediumContext } from '../support/medium';
import { idempotencyKeysOf } from '../support/rows';
import { queuePrefix, unique } from '../support/test-app';
import { sleep } from '../support/wait';

const PURGE_JOB = 'purge-expired-keys';

const SETTINGS = {
  IDEMPOTENCY_KEY_TTL_SECONDS: '1',
  QUEUE_PREFIX: queuePrefix('idempotency-purge'),
  RESERVATION_SWEEP_SECONDS: '3600',
};

describe('expired Idempotency-Keys', () => {
  let t: MediumContext;
  let queue: Queue;
  let cart: ReturnType<typeof cartUseCases>;

  beforeAll(async () => {
    // A database of its own: with a 1 s TTL, a purge here would delete other test files' keys.
    t = await startIsolatedMediumContext('idempotency_purge', SETTINGS);
    queue = t.get<Queue>(getQueueToken(IDEMPOTENCY_QUEUE));
    cart = cartUseCases(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('registers the hourly repeatable purge job on the idempotency queue', async () => {
    let purgeJobs: Awaited<ReturnType<Queue['getRepeatableJobs']>> = [];
    const deadline = Date.now() + 5000;
    while (purgeJobs.length === 0 && Date.now() < deadline) {
      purgeJobs = (await queue.getRepeatableJobs()).filter((job) => job.name === PURGE_JOB);
      if (purgeJobs.length === 0) await sleep(50);
    }

    expect(purgeJobs).toEqual([expect.objectContaining({ name: PURGE_JOB, every: 3_600_000, cron: null })]);
    expect(purgeJobs[0].next).toBeGreaterThan(Date.now());
  });

  it('purgeExpired deletes expired keys and keeps live ones', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    const purge = () => t.get(IdempotencyService).purgeExpired();
    await cart.addItem(customer, variant.id, 1, unique('old-1'));
    await cart.addItem(customer, variant.id, 1, unique('old-2'));

    // Still live: kept.
    await purge();
    expect(await idempotencyKeysOf(t, customer)).toHaveLength(2);

    await sleep(1500);
    // Expired keys are only ignored by lookups; the rows stay until a purge.
    expect(await idempotencyKeysOf(t, customer)).toHaveLength(2);
    const live = unique('live');
    await cart.addItem(customer, variant.id, 1, live);

    const purged = await purge();

    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await idempotencyKeysOf(t, customer)).toEqual([{ key: live, response_status: 201 }]);

    await sleep(1500);
    await purge();
    expect(await idempotencyKeysOf(t, customer)).toEqual([]);
  });

  it('runs the purge as the purge-expired-keys job of the idempotency queue', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    await cart.addItem(customer, variant.id, 1, unique('key'));
    await sleep(1500);
    expect(await idempotencyKeysOf(t, customer)).toHaveLength(1);

    // Kept once completed: finished() of a job already removed would wait for an event it missed.
    const job = await queue.add(PURGE_JOB, {});
    const result = (await job.finished()) as { purged: number };

    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await idempotencyKeysOf(t, customer)).toEqual([]);
  });
});
