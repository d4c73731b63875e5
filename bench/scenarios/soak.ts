import Bull from 'bull';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { RESERVATIONS_QUEUE } from '../../src/inventory/reservations/reservation-expiry.queue';
import { BenchContext, ScenarioResult } from '../lib/context';
import { clockTime } from '../lib/report';
import { seedVariants } from '../lib/seed';
import { createPricingRules } from './quote';
import { FLOW_OUTCOMES, FlowOutcome, runSoakLoad, SoakLoadResult, SoakLoadSpec, SoakRow } from '../lib/soak-load';
import { median, round } from '../lib/stats';
import { step } from '../lib/step';
import { promoteExpiryJobs } from './expiry-drain';

/** The soak's variants, with stock no soak exhausts and purchase limits it never reaches (checked on every add). */
const SOAK_VARIANTS = 2000;
const SOAK_STOCK = 100_000;
const SOAK_PURCHASE_LIMIT = 1000;
/** A drop in the middle of it: one cart line in 10 wants one of these, which sell out (409s). */
const SCARCE_VARIANTS = 10;
const SCARCE_UNITS = 10;

/** The paced run's rate, as a share of the rate the probe measured. */
const SHARE_OF_PEAK = 0.6;
const REQUEST_TIMEOUT_MS = 30_000;
/** Requests a flow sends at most (3 adds, checkout, confirm or cancel): the longest a run goes past its end. */
const FLOW_REQUESTS = 5;
/**
 * How long a hold left to expire stays ACTIVE before the bench makes it fall due (sets its
 * expiry to now and promotes its Bull job): what the clock does RESERVATION_TTL_SECONDS
 * (5 minutes) after the checkout, sooner, so that the expiry job runs in a short soak too.
 */
const ABANDONED_HOLD_SECONDS = 10;
const CLOCK_TICK_MS = 1000;
const POLL_MS = 100;

export async function seedSoakCatalog(
  db: Pool,
  leafIds: number[],
  limitPurchases: (variantIds: number[], units: number) => Promise<void>,
): Promise<{ soakVariantIds: number[]; soakScarceVariantIds: number[] }> {
  const soakVariantIds = await seedVariants(db, { label: 'soak', count: SOAK_VARIANTS, leafIds, onHand: SOAK_STOCK });
  await limitPurchases(soakVariantIds, SOAK_PURCHASE_LIMIT);
  const soakScarceVariantIds = await seedVariants(db, {
    label: 'soak-scarce',
    count: SCARCE_VARIANTS,
    leafIds,
    onHand: SCARCE_UNITS,
  });
  await limitPurchases(soakScarceVariantIds, 1);
  return { soakVariantIds, soakScarceVariantIds };
}

/** A row of the paced run, with what the bench saw of the app's process meanwhile. */
export interface SoakReportRow extends SoakRow {
  /** The app's resident set at the row's end, and the most sampled during it (VmRSS). */
  rssMb: number;
  rssMaxMb: number;
  appCpuMsPerRequest: number;
}

interface RssSample {
  atSeconds: number;
  rssMb: number;
}

/**
 * `soak`: the shop's mixed traffic (lib/soak-load.ts) against the app for `--minutes`.
 * First a probe runs the mix unthrottled at `--connections` for 5 to 15 s; its rate over
 * its middle three fifths is the peak. Then the mix runs paced at 60 % of it, reported by row
 * (a minute, or a sixth of a run under 6 minutes), with the app's RSS sampled from /proc
 * every 1 to 5 s and its CPU. Holds left to expire are made to fall due 10 s after their
 * checkout, so the app's expiry jobs run throughout. At the end the last of those fall due
 * and are waited for; then every flow's reservation must be in the state the flow left it
 * (confirmed, cancelled, expired), nothing oversold, the audit empty, no deadlock.
 */
export async function soakScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const seconds = options.minutes * 60;
  const probeSeconds = round(clamp(seconds / 6, 5, 15), 1);
  const rowSeconds = seconds >= 360 ? 60 : seconds / 6;
  const sampleMs = clamp(seconds / 60, 1, 5) * 1000;
  const { categories, soakVariantIds, soakScarceVariantIds } = ctx.seeded;
  await ensurePricingRules(ctx, soakVariantIds);

  const prefix = `bench-soak-${ctx.runTag}`;
  const base = {
    url: ctx.app.url,
    connections: options.connections,
    catalog: {
      variantIds: soakVariantIds,
      scarceVariantIds: soakScarceVariantIds,
      categoryIds: [...categories.topIds, ...categories.leafIds],
    },
    jwtSecret: ctx.jwtSecret,
    customerPrefix: prefix,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  };
  const deadlocksBefore = await ctx.deadlocksSoFar();
  const queue = new Bull(RESERVATIONS_QUEUE, ctx.redis.url, { prefix: ctx.redis.prefix });
  const clock = new ExpiryClock(ctx.db, queue, `${prefix}-abandon-%`);
  try {
    clock.start();
    step(`soak: peak probe, ${probeSeconds} s of the mix unthrottled at ${options.connections} connections`);
    const probe = await runSoakLoad(
      { ...base, phase: 'probe', seconds: probeSeconds, rowSeconds: probeSeconds / 5 },
      runTimeoutMs(probeSeconds),
      () => undefined,
    );
    const peak = peakOf(probe);
    const target = SHARE_OF_PEAK * peak;
    step(
      `soak: ${options.minutes} min paced at ${round(target, 0)} requests/s ` +
        `(${SHARE_OF_PEAK * 100} % of the probe's ${round(peak, 0)}/s), ${probe.errors} errors in the probe`,
    );
    const soak = await monitoredRun(ctx, { ...base, phase: 'soak', seconds, rowSeconds, perSecond: target }, sampleMs);
    const loadEndedAt = performance.now();
    await clock.stop();

    const abandoned = `${prefix}-abandon-%`;
    const expiredDuringSoak = await countReservations(ctx, abandoned, 'EXPIRED');
    // The holds still left fall due now; the app's jobs release them.
    await clock.age(0);
    const deadline = performance.now() + options.drainTimeoutSeconds * 1000;
    let notExpired = await countReservations(ctx, abandoned, 'ACTIVE');
    while (notExpired > 0 && performance.now() < deadline) {
      await sleep(POLL_MS);
      notExpired = await countReservations(ctx, abandoned, 'ACTIVE');
    }

    const flows = addFlows(probe.flows, soak.result.flows);
    const reservations = await reservationsByOutcome(ctx, prefix);
    const oversold = await ctx.oversoldUnits();
    const auditDrift = await ctx.auditDrift();
    await sleep(Math.max(0, ctx.options.statsSettleSeconds * 1000 - (performance.now() - loadEndedAt)));
    const deadlocks = (await ctx.deadlocksSoFar()) - deadlocksBefore;

    const run = soak.result;
    const answered = run.requests - run.errors;
    const rss = rssVerdict(soak.samples, seconds);
    return {
      throughput: answered / run.seconds,
      p50Ms: run.p50Ms,
      p99Ms: run.p99Ms,
      errors: probe.errors + run.errors,
      appCpuMsPerRequest: round(soak.appCpuMs / Math.max(run.requests, 1), 2),
      limitThroughput: peak,
      ratio: answered / run.seconds / peak,
      minutes: options.minutes,
      seconds: run.seconds,
      probeSeconds,
      peakPerSecond: round(peak),
      targetPerSecond: round(target),
      requests: run.requests,
      refused: run.refused,
      // 409s are the shop's answers (sold out, purchase limit, empty cart); any other 4xx is a request the bench got wrong.
      unexpectedRefusals: unexpectedRefusals(probe) + unexpectedRefusals(run),
      skipped: run.skipped,
      statusCounts: run.statusCounts,
      kinds: run.kinds,
      rows: soak.rows,
      rss,
      flows,
      reservations,
      reservationsMismatch: reservationsMismatch(flows, reservations),
      expiredDuringSoak,
      expiryJobsPromoted: clock.promoted,
      expiryClockFailures: clock.failures,
      notExpiredInTime: notExpired,
      oversold,
      auditDrift,
      deadlocks,
      probe: {
        seconds: probe.seconds,
        requests: probe.requests,
        errors: probe.errors,
        refused: probe.refused,
        p50Ms: probe.p50Ms,
        p99Ms: probe.p99Ms,
        statusCounts: probe.statusCounts,
        // Its first row (the warm-up) and its last (the flows under way finishing) are left out of the peak.
        rows: probe.rows,
        kinds: probe.kinds,
      },
    };
  } finally {
    await clock.stop();
    await queue.close();
  }
}

/**
 * Answered requests per second over the probe's middle three fifths: the first is its
 * warm-up, and the last ends with the flows under way finishing, fewer and fewer at once.
 */
function peakOf(probe: SoakLoadResult): number {
  const rows = probe.rows.length > 2 ? probe.rows.slice(1, -1) : probe.rows;
  const answered = rows.reduce((sum, row) => sum + row.requests - row.errors, 0);
  const seconds = rows.reduce((sum, row) => sum + row.toSeconds - row.fromSeconds, 0);
  if (answered === 0 || seconds <= 0) {
    throw new Error(`soak: the peak probe got no answers (${JSON.stringify(probe.statusCounts)})`);
  }
  return answered / seconds;
}

/** The paced run, with the app's RSS sampled every `sampleMs` and its CPU per row, each row printed as it closes. */
async function monitoredRun(
  ctx: BenchContext,
  spec: SoakLoadSpec,
  sampleMs: number,
): Promise<{ result: SoakLoadResult; rows: SoakReportRow[]; samples: RssSample[]; appCpuMs: number }> {
  const samples: RssSample[] = [];
  const rows: SoakReportRow[] = [];
  let startedAt = performance.now();
  let cpuAtStart = ctx.app.cpuMs();
  let cpuAtRow = cpuAtStart;
  let rowSamplesFrom = 0;
  let sampler: NodeJS.Timeout | undefined;
  const sample = () =>
    samples.push({ atSeconds: round((performance.now() - startedAt) / 1000, 1), rssMb: ctx.app.rssMb() });
  const onProgress = (progress: { started: true } | { row: SoakRow }) => {
    if ('started' in progress) {
      startedAt = performance.now();
      cpuAtStart = cpuAtRow = ctx.app.cpuMs();
      sample();
      sampler = setInterval(sample, sampleMs);
      return;
    }
    sample();
    const rowRss = samples.slice(rowSamplesFrom).map((s) => s.rssMb);
    rowSamplesFrom = samples.length;
    const cpu = ctx.app.cpuMs();
    const row: SoakReportRow = {
      ...progress.row,
      rssMb: rowRss[rowRss.length - 1],
      rssMaxMb: Math.max(...rowRss),
      appCpuMsPerRequest: round((cpu - cpuAtRow) / Math.max(progress.row.requests, 1), 2),
    };
    cpuAtRow = cpu;
    rows.push(row);
    step(
      `soak ${clockTime(row.fromSeconds)}-${clockTime(row.toSeconds)}: ${row.requests} requests, ` +
        `${row.errors} errors, ${row.refused} 4xx, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, RSS ${row.rssMb} MB`,
    );
  };
  try {
    const result = await runSoakLoad(spec, runTimeoutMs(spec.seconds), onProgress);
    return { result, rows, samples, appCpuMs: ctx.app.cpuMs() - cpuAtStart };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The app's RSS after its warm-up against the end: the median of the samples in the window
 * right after the warm-up (the first minute, or the first fifth of a run under 5 minutes)
 * and in the last window of the same length.
 */
export function rssVerdict(samples: RssSample[], seconds: number) {
  const window = Math.min(60, seconds * 0.2);
  const within = (from: number, to: number) =>
    samples.filter((s) => s.atSeconds >= from && s.atSeconds <= to).map((s) => s.rssMb);
  const afterWarmUpMb = median(within(window, 2 * window)) ?? samples[0]?.rssMb ?? 0;
  const endMb = median(within(seconds - window, Infinity)) ?? samples[samples.length - 1]?.rssMb ?? 0;
  const ratio = afterWarmUpMb > 0 ? endMb / afterWarmUpMb : 1;
  const changePct = round((ratio - 1) * 100, 1);
  return {
    warmUpSeconds: round(window, 1),
    afterWarmUpMb: round(afterWarmUpMb),
    endMb: round(endMb),
    ratio: round(ratio, 3),
    withinTenPercent: Math.abs(ratio - 1) <= 0.1,
    verdict: Math.abs(ratio - 1) <= 0.1 ? 'within 10 %' : `${changePct > 0 ? 'grew' : 'fell'} ${Math.abs(changePct)} %`,
    minMb: Math.min(...samples.map((s) => s.rssMb)),
    maxMb: Math.max(...samples.map((s) => s.rssMb)),
    sampleSeconds: samples.length > 1 ? round(samples[samples.length - 1].atSeconds / (samples.length - 1), 1) : 0,
    samples: samples.map((s) => [s.atSeconds, s.rssMb]),
  };
}

/**
 * Makes the holds left to expire fall due once they are `ABANDONED_HOLD_SECONDS` old, as
 * expiry-drain does for its own: their expiry set to now, their delayed Bull job promoted.
 */
class ExpiryClock {
  promoted = 0;
  failures = 0;
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;

  constructor(
    private readonly db: Pool,
    private readonly queue: Bull.Queue,
    private readonly ownerPattern: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.tick ??= this.age(ABANDONED_HOLD_SECONDS).finally(() => (this.tick = undefined));
    }, CLOCK_TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }

  /** Holds of at least `seconds` fall due now (never rejects: a failure is counted and printed). */
  async age(seconds: number): Promise<void> {
    try {
      const { rows } = await this.db.query<{ id: string }>(
        `UPDATE reservations SET expires_at = now()
          WHERE status = 'ACTIVE' AND owner_id LIKE $1 AND expires_at > now()
            AND created_at <= now() - make_interval(secs => $2)
         RETURNING id`,
        [this.ownerPattern, seconds],
      );
      if (rows.length > 0)
        this.promoted += await promoteExpiryJobs(
          this.queue,
          rows.map((row) => row.id),
        );
    } catch (error) {
      this.failures++;
      console.error(`soak: could not make the abandoned holds fall due: ${String(error)}`);
    }
  }
}

/** The quotes need rules: those of the quote scenario when it ran, else as many made for the soak's variants. */
async function ensurePricingRules(ctx: BenchContext, variantIds: number[]): Promise<void> {
  const { rows } = await ctx.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM pricing_rules`);
  if (rows[0].count > 0) return;
  await createPricingRules(ctx, variantIds);
}

async function countReservations(ctx: BenchContext, ownerPattern: string, status: string): Promise<number> {
  const { rows } = await ctx.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM reservations WHERE owner_id LIKE $1 AND status = $2`,
    [ownerPattern, status],
  );
  return rows[0].count;
}

type ReservationCounts = Record<FlowOutcome, Record<string, number>>;

/** The soak's reservations by what their flow did after the checkout (it is in the owner's id), and by status. */
async function reservationsByOutcome(ctx: BenchContext, prefix: string): Promise<ReservationCounts> {
  const { rows } = await ctx.db.query<{ outcome: string; status: string; count: number }>(
    `SELECT split_part(substr(owner_id, $2), '-', 1) AS outcome, status, count(*)::int AS count
       FROM reservations WHERE owner_id LIKE $1 GROUP BY 1, 2`,
    [`${prefix}-%`, prefix.length + 2],
  );
  const counts: ReservationCounts = { confirm: {}, cancel: {}, abandon: {} };
  for (const row of rows) (counts[row.outcome as FlowOutcome] ??= {})[row.status] = row.count;
  return counts;
}

/**
 * Every checkout answered 201 is exactly one reservation, in the state its flow left it:
 * confirmed, cancelled, or expired by the app. Counts each one that is not.
 */
function reservationsMismatch(flows: SoakLoadResult['flows'], reservations: ReservationCounts): number {
  const finalState: Record<FlowOutcome, [string, number]> = {
    confirm: ['CONFIRMED', flows.confirmed],
    cancel: ['CANCELLED', flows.cancelled],
    abandon: ['EXPIRED', flows.checkedOut.abandon],
  };
  let mismatch = 0;
  for (const outcome of new Set(FLOW_OUTCOMES)) {
    const counts = reservations[outcome] ?? {};
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const [status, expected] = finalState[outcome];
    mismatch += Math.abs(total - flows.checkedOut[outcome]) + Math.abs((counts[status] ?? 0) - expected);
  }
  return mismatch;
}

function addFlows(a: SoakLoadResult['flows'], b: SoakLoadResult['flows']): SoakLoadResult['flows'] {
  return {
    started: a.started + b.started,
    checkedOut: {
      confirm: a.checkedOut.confirm + b.checkedOut.confirm,
      cancel: a.checkedOut.cancel + b.checkedOut.cancel,
      abandon: a.checkedOut.abandon + b.checkedOut.abandon,
    },
    confirmed: a.confirmed + b.confirmed,
    cancelled: a.cancelled + b.cancelled,
  };
}

function unexpectedRefusals(run: SoakLoadResult): number {
  return Object.entries(run.statusCounts)
    .filter(([status]) => /^4\d\d$/.test(status) && status !== '409')
    .reduce((sum, [, count]) => sum + count, 0);
}

/** The run, then flows under way finishing (each request bounded), then time for the worker to start and answer. */
function runTimeoutMs(seconds: number): number {
  return (seconds + 30) * 1000 + FLOW_REQUESTS * REQUEST_TIMEOUT_MS;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
