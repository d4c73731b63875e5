import { BusyCore } from '../lib/busy-core';
import { BenchContext, ScenarioResult } from '../lib/context';
import { BuyerOutcome, runFlashSale } from '../lib/flash-buyers';
import { FEATURE_NAMES } from '../lib/schema';
import { seedVariants, setPurchaseLimit } from '../lib/seed';
import { percentile, round } from '../lib/stats';

/** Each request's bound; a checkout queued behind 300 others on one row takes a few seconds at worst. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The whole sale's bound: a buyer's two requests at their timeout, and time for the worker to start and answer. */
const SALE_TIMEOUT_MS = 2 * REQUEST_TIMEOUT_MS + 15_000;
/** The answers a buyer may get: a unit (201) or sold out (409); anything else (a 503 above all) is an error. */
const EXPECTED = ['201', '409'];

/**
 * `flash-sale`: `--flash-buyers` buyers at once for the `--flash-units` units of a new
 * variant (limited to one per customer, as a drop is). Each adds one unit to a cart,
 * then checks out, on a connection of its own. Exactly `units` checkouts must get a 201
 * and every other one a 409, with nothing oversold and an empty audit. `loaded` runs it
 * while another process keeps one core busy.
 */
export async function flashSaleScenario(ctx: BenchContext, { loaded }: { loaded: boolean }): Promise<ScenarioResult> {
  const kind = loaded ? 'loaded' : 'quiet';
  const { flashBuyers: buyers, flashUnits: units } = ctx.options;
  const variantId = await seedFlashVariant(ctx, kind, units);
  // Unique to this run, side and kind: no cart, hold or limit of another sale is theirs.
  const customerIds = Array.from({ length: buyers }, (_, index) => `bench-flash-${ctx.runTag}-${kind}-${index}`);
  const spec = {
    url: ctx.app.url,
    variantId,
    tokens: customerIds.map((id) => ctx.customerToken(id)),
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  };

  const busyCore = loaded ? await BusyCore.start(SALE_TIMEOUT_MS) : undefined;
  let busyCoreShare: number | undefined;
  const cpuBefore = ctx.app.cpuMs();
  let outcomes: BuyerOutcome[];
  try {
    outcomes = await runFlashSale(spec, SALE_TIMEOUT_MS);
  } finally {
    busyCoreShare = await busyCore?.stop();
  }
  const appCpuMs = ctx.app.cpuMs() - cpuBefore;

  const checkouts = countBy(outcomes.map((outcome) => outcome.checkout));
  const adds = countBy(outcomes.map((outcome) => outcome.add));
  const sold = checkouts['201'] ?? 0;
  const unexpectedCheckouts = countUnexpected(checkouts);
  const unexpectedAdds = countUnexpected(adds);
  const seconds = Math.max(...outcomes.map((outcome) => outcome.doneAtMs)) / 1000;
  const buyerMs = outcomes.map((outcome) => outcome.buyerMs);
  const checkoutMs = outcomes.map((outcome) => outcome.checkoutMs);
  return {
    // Checkouts answered (sold or sold out) per second, from the first buyer's start to the last answer.
    throughput: buyers / seconds,
    p50Ms: round(percentile(checkoutMs, 50)),
    p99Ms: round(percentile(checkoutMs, 99)),
    errors: unexpectedCheckouts + unexpectedAdds + Math.abs(sold - units),
    appCpuMsPerRequest: round(appCpuMs / (2 * buyers), 2),
    // A buyer's add and checkout together: what selling (or refusing) one cart costs the app.
    appCpuMsPerCheckout: round(appCpuMs / buyers, 2),
    buyers,
    units,
    sold,
    checkoutStatusCounts: checkouts,
    addStatusCounts: adds,
    unexpectedCheckouts,
    unexpectedAdds,
    buyerP50Ms: round(percentile(buyerMs, 50)),
    buyerP99Ms: round(percentile(buyerMs, 99)),
    seconds: round(seconds, 2),
    ...(busyCoreShare !== undefined && { busyCoreShare: round(busyCoreShare, 2) }),
    // Every 201 must be exactly one ACTIVE reservation: none lost, none extra.
    reservationsMismatch: Math.abs((await activeReservations(ctx, customerIds)) - sold),
    oversold: await ctx.oversoldUnits(),
    auditDrift: await ctx.auditDrift(),
  };
}

async function seedFlashVariant(ctx: BenchContext, kind: string, units: number): Promise<number> {
  const [variantId] = await seedVariants(ctx.db, {
    label: `flash-${kind}`,
    count: 1,
    leafIds: ctx.seeded.categories.leafIds,
    onHand: units,
  });
  if (!(await setPurchaseLimit(ctx.db, ctx.schema, [variantId], 1))) {
    ctx.withoutFeatures.add(FEATURE_NAMES.purchaseLimits);
  }
  return variantId;
}

async function activeReservations(ctx: BenchContext, customerIds: string[]): Promise<number> {
  const { rows } = await ctx.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM reservations WHERE owner_id = ANY($1::text[]) AND status = 'ACTIVE'`,
    [customerIds],
  );
  return rows[0].count;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function countUnexpected(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([status]) => !EXPECTED.includes(status))
    .reduce((sum, [, count]) => sum + count, 0);
}
