import Bull from 'bull';
import { setTimeout as sleep } from 'node:timers/promises';
// The queue's own names, as the expiry e2e test uses them: a rename breaks the build, not the drain.
import { expireJobId, RESERVATIONS_QUEUE } from '../../src/inventory/reservations/reservation-expiry.queue';
import { BenchContext, ScenarioResult } from '../lib/context';
import { round } from '../lib/stats';
import { checkoutRequests, fillCarts, randomCarts } from './checkout';

const PROMOTE_BATCH = 200;
const POLL_MS = 100;

/**
 * `expiryReservations` ACTIVE reservations made by real checkouts (those left by the
 * checkout scenarios, topped up with 1-line checkouts) all fall due at the same instant:
 * the bench moves their expiry to now in the database and promotes their delayed Bull
 * jobs, which is what the clock would do 5 minutes later. Then it waits until the app
 * (its expiry jobs, and the sweep) has released every one, and audits the stock.
 */
export async function expiryDrainScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const wanted = ctx.options.expiryReservations;
  const missing = wanted - (await activeBenchReservations(ctx, wanted)).length;
  if (missing > 0) {
    const { customers } = await fillCarts(ctx, 'expiry', randomCarts(ctx.seeded.spreadVariantIds, missing, 1, 7));
    await ctx.loadAll(checkoutRequests(customers), 201, 'expiry-drain: checking out the top-up carts');
  }
  const ids = await activeBenchReservations(ctx, wanted);

  const queue = new Bull(RESERVATIONS_QUEUE, ctx.redis.url, { prefix: ctx.redis.prefix });
  try {
    const failedBefore = await queue.getFailedCount();
    const { rows } = await ctx.db.query<{ due: Date }>(
      `UPDATE reservations SET expires_at = now() WHERE id = ANY($1::uuid[]) RETURNING expires_at AS due`,
      [ids],
    );
    const due = rows[0].due;
    const promoted = await promoteExpiryJobs(queue, ids);

    const deadline = Date.now() + ctx.options.drainTimeoutSeconds * 1000;
    let left = ids.length;
    while (left > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      left = await stillActive(ctx, ids);
    }
    const delays = await ctx.db.query<{ seconds: number; p50: number; p99: number; released: number }>(
      `SELECT extract(epoch FROM max(closed_at) - $2::timestamptz)::float AS seconds,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - $2::timestamptz)) * 1000 AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - $2::timestamptz)) * 1000 AS p99,
              count(*)::int AS released
         FROM reservations WHERE id = ANY($1::uuid[]) AND status = 'EXPIRED'`,
      [ids, due],
    );
    const drain = delays.rows[0];
    const failedJobs = (await queue.getFailedCount()) - failedBefore;
    return {
      throughput: drain.released / drain.seconds,
      p50Ms: round(drain.p50),
      p99Ms: round(drain.p99),
      errors: left + failedJobs,
      reservations: ids.length,
      released: drain.released,
      seconds: round(drain.seconds, 2),
      jobsPromoted: promoted,
      notReleasedInTime: left,
      failedJobs,
      oversold: await ctx.oversoldUnits(),
      auditDrift: await ctx.auditDrift(),
    };
  } finally {
    await queue.close();
  }
}

async function activeBenchReservations(ctx: BenchContext, limit: number): Promise<string[]> {
  const { rows } = await ctx.db.query<{ id: string }>(
    `SELECT id FROM reservations WHERE status = 'ACTIVE' AND owner_id LIKE 'bench-%' ORDER BY created_at LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

async function stillActive(ctx: BenchContext, ids: string[]): Promise<number> {
  const { rows } = await ctx.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM reservations WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE'`,
    [ids],
  );
  return rows[0].count;
}

/** Moves each reservation's delayed expiry job to the waiting list; returns how many it moved. */
export async function promoteExpiryJobs(queue: Bull.Queue, ids: string[]): Promise<number> {
  let promoted = 0;
  for (let start = 0; start < ids.length; start += PROMOTE_BATCH) {
    const batch = ids.slice(start, start + PROMOTE_BATCH);
    const outcomes = await Promise.all(
      batch.map(async (id) => {
        const job = await queue.getJob(expireJobId(id));
        if (!job || !(await job.isDelayed())) return false;
        // A job the app took meanwhile (e.g. a retry) is no longer delayed: not ours to move.
        return job.promote().then(
          () => true,
          () => false,
        );
      }),
    );
    promoted += outcomes.filter(Boolean).length;
  }
  return promoted;
}
