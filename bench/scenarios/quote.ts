import { BenchContext } from '../lib/context';
import { LoadRequest } from '../lib/load';
import { productIdsOf, ruleBodies } from '../lib/seed';

const TIERS = ['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'];

/** The same app's cheapest route (liveness, no I/O): the limit of the read scenarios. */
export const TRIVIAL_REQUESTS: LoadRequest[] = [{ method: 'GET', path: '/health' }];

/**
 * Seeds the rules and returns GET /api/pricing/:variantId/price over every quote variant,
 * with quantities and tiers that make the rules (volume, tier, schedule, scarcity at
 * every scope) apply or not.
 */
/** The bench's pricing rules, scoped to these variants, their products and the seeded categories. */
export async function createPricingRules(ctx: BenchContext, variantIds: number[]): Promise<void> {
  const scopes = {
    categoryIds: [...ctx.seeded.categories.topIds, ...ctx.seeded.categories.leafIds],
    productIds: await productIdsOf(ctx.db, variantIds),
    variantIds,
  };
  for (const rule of ruleBodies(ctx.options.rules, scopes)) {
    await ctx.adminCall('POST', '/api/pricing/rules', rule, 201);
  }
}

export async function quoteRequests(ctx: BenchContext): Promise<LoadRequest[]> {
  const variantIds = ctx.seeded.quoteVariantIds;
  await createPricingRules(ctx, variantIds);
  return variantIds.map((variantId, index) => ({
    method: 'GET',
    path: `/api/pricing/${variantId}/price?quantity=${1 + (index % 12)}&tier=${TIERS[index % TIERS.length]}`,
  }));
}
