import { BenchContext, ScenarioResult } from '../lib/context';
import { LoadRequest, LoadResult } from '../lib/load';
import { productIdsOf, ruleBodies } from '../lib/seed';

const TIERS = ['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'];

/** The same app's cheapest route (liveness), for the same time at the same concurrency. */
export async function trivialRoute(ctx: BenchContext): Promise<LoadResult> {
  return ctx.load({
    requests: [{ method: 'GET', path: '/health' }],
    durationSeconds: ctx.options.seconds,
    expectStatus: [200],
  });
}

/**
 * GET /api/pricing/:variantId/price over every quote variant, with quantities and tiers
 * that make the rules (volume, tier, schedule, scarcity at every scope) apply or not.
 */
export async function quoteScenario(ctx: BenchContext, trivial: LoadResult): Promise<ScenarioResult> {
  const variantIds = ctx.seeded.quoteVariantIds;
  const scopes = {
    categoryIds: [...ctx.seeded.categories.topIds, ...ctx.seeded.categories.leafIds],
    productIds: await productIdsOf(ctx.db, variantIds),
    variantIds,
  };
  for (const rule of ruleBodies(ctx.options.rules, scopes)) {
    await ctx.adminCall('POST', '/api/pricing/rules', rule, 201);
  }

  const requests: LoadRequest[] = variantIds.map((variantId, index) => ({
    method: 'GET',
    path: `/api/pricing/${variantId}/price?quantity=${1 + (index % 12)}&tier=${TIERS[index % TIERS.length]}`,
  }));
  const quote = await ctx.load({ requests, durationSeconds: ctx.options.seconds, expectStatus: [200] });
  return {
    ...summary(quote),
    limitThroughput: trivial.throughput,
    ratio: quote.throughput / trivial.throughput,
    limitP99Ms: trivial.p99Ms,
    variants: variantIds.length,
    rules: ctx.options.rules,
    requests: quote.requests,
  };
}

export function summary(result: LoadResult): ScenarioResult {
  return {
    throughput: result.throughput,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    appCpuMsPerRequest: result.appCpuMsPerRequest,
  };
}
