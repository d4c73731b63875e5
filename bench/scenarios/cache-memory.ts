import { BenchContext, ScenarioResult, summary } from '../lib/context';
import { LoadRequest } from '../lib/load';
import { seedVariants } from '../lib/seed';

/** The most lines one POST /api/pricing/quotes takes. */
const LINES_PER_QUOTE = 100;

/**
 * Fills the catalog read model up to its bound: `--cache-variants` new variants, each
 * quoted once through the batch quote route, then once more (all hits). Reports the
 * entries held and the app's resident memory (its peak RSS goes into the run's peak).
 */
export async function cacheMemoryScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const variantIds = await seedVariants(ctx.db, {
    label: 'cache',
    count: ctx.options.cacheVariants,
    leafIds: ctx.seeded.categories.leafIds,
  });
  const requests: LoadRequest[] = [];
  for (let start = 0; start < variantIds.length; start += LINES_PER_QUOTE) {
    const items = variantIds.slice(start, start + LINES_PER_QUOTE).map((variantId) => ({ variantId, quantity: 1 }));
    requests.push({
      method: 'POST',
      path: '/api/pricing/quotes',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
  }
  // Few connections: this measures memory, and a flood of 100-line quotes would only queue for the pool.
  const once = { requests, amount: requests.length, connections: Math.min(4, requests.length), expectStatus: [200] };
  const before = await entriesHeld(ctx);
  const fill = await ctx.load(once);
  const filled = await entriesHeld(ctx);
  const reread = await ctx.load(once);
  return {
    ...summary(reread),
    errors: fill.errors + reread.errors,
    variants: variantIds.length,
    fillThroughputLinesPerSecond: Math.round(fill.throughput * LINES_PER_QUOTE),
    viewsHeldBefore: before,
    viewsHeld: filled,
    residentMb: ctx.app.takePeakRssMb(),
  };
}

async function entriesHeld(ctx: BenchContext): Promise<number> {
  const text = await (await fetch(`${ctx.app.url}/metrics`)).text();
  return Number(/^commerce_catalog_cache_entries\{kind="variant_view"\} (\S+)$/m.exec(text)?.[1] ?? 0);
}
