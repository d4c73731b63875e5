import { Pool } from 'pg';
import { checkoutScripts } from './lib/checkout-scripts';
import { BenchContext, ScenarioResult, Seeded } from './lib/context';
import { BenchOptions, ScenarioName } from './lib/options';
import { FEATURE_NAMES, SchemaFeatures } from './lib/schema';
import { seedCategoryTree, seedStock, seedVariants, setPurchaseLimit } from './lib/seed';
import { step } from './lib/step';
import { cacheMemoryScenario } from './scenarios/cache-memory';
import { checkoutScenario, randomCarts } from './scenarios/checkout';
import { expiryDrainScenario } from './scenarios/expiry-drain';
import { flashSaleScenario } from './scenarios/flash-sale';
import { hostileScenario } from './scenarios/hostile';
import { outboxRelayScenario } from './scenarios/outbox-relay';
import { readScenarios } from './scenarios/reads';
import { seedSoakCatalog, soakScenario } from './scenarios/soak';

const PGBENCH_STOCK = 100_000_000;
const SPREAD_STOCK_PER_VARIANT = 100_000;

/**
 * The catalog and stock the selected scenarios need, written with SQL. What the app's
 * schema lacks (an older build's, under --baseline) is left out and added to `without`.
 */
export async function seed(
  db: Pool,
  options: BenchOptions,
  schema: SchemaFeatures,
  without: Set<string>,
): Promise<Seeded> {
  const wants = (...names: ScenarioName[]) => names.some((name) => options.only.includes(name));
  const limitPurchases = async (variantIds: number[], units: number) => {
    if (!(await setPurchaseLimit(db, schema, variantIds, units))) without.add(FEATURE_NAMES.purchaseLimits);
  };
  step('seeding the catalog and stock');
  const categories = await seedCategoryTree(db);
  const seeded: Seeded = {
    categories,
    quoteVariantIds: [],
    spreadVariantIds: [],
    soakVariantIds: [],
    soakScarceVariantIds: [],
  };
  if (wants('quote', 'catalog')) {
    seeded.quoteVariantIds = await seedVariants(db, {
      label: 'quote',
      count: options.quoteVariants,
      leafIds: categories.leafIds,
      onHand: 100,
    });
  }
  if (wants('catalog', 'checkout-spread', 'expiry-drain')) {
    seeded.spreadVariantIds = await seedVariants(db, {
      label: 'spread',
      count: options.spreadVariants,
      leafIds: categories.leafIds,
      onHand: SPREAD_STOCK_PER_VARIANT,
    });
    await limitPurchases(seeded.spreadVariantIds, SPREAD_STOCK_PER_VARIANT);
  }
  if (wants('checkout-hot')) {
    const [hot, pgbenchHot] = await seedVariants(db, {
      label: 'hot',
      count: 2,
      leafIds: categories.leafIds,
    });
    // Exactly enough for every customer: one oversold unit or one lost checkout shows.
    await seedStock(db, [hot], options.hotCheckouts);
    await seedStock(db, [pgbenchHot], PGBENCH_STOCK);
    // A drop's usual guard, so the figures include checking it: each customer buys one.
    await limitPurchases([hot], 1);
    seeded.hotVariantId = hot;
    seeded.pgbenchHotVariantId = pgbenchHot;
  }
  if (wants('soak')) Object.assign(seeded, await seedSoakCatalog(db, categories.leafIds, limitPurchases));
  return seeded;
}

export async function runScenarios(ctx: BenchContext, only: ScenarioName[]): Promise<Record<string, ScenarioResult>> {
  const results: Record<string, ScenarioResult> = {};
  const record = (name: string, result: ScenarioResult) => {
    results[name] = { ...result, peakRssMb: ctx.app.takePeakRssMb() };
  };
  const { seeded, options } = ctx;

  if (only.includes('quote') || only.includes('catalog')) {
    step(`quote and catalog, interleaved with the trivial route (GET /health): ${options.rounds} rounds`);
    const reads = await readScenarios(ctx, { quote: only.includes('quote'), catalog: only.includes('catalog') });
    // One peak for the interleaved runs: they share the interval it was sampled over.
    const peakRssMb = ctx.app.takePeakRssMb();
    for (const [name, result] of Object.entries(reads)) results[name] = { ...result, peakRssMb };
  }
  // Only the side that measures the limits runs pgbench (see checkoutScenario).
  const checkouts = only.includes('checkout-hot') || only.includes('checkout-spread');
  const scripts = checkouts && ctx.measuresLimits ? await checkoutScripts(ctx.databaseUrl) : null;
  if (only.includes('checkout-hot')) {
    step('checkout-hot');
    record(
      'checkout-hot',
      await checkoutScenario(ctx, {
        label: 'hot',
        carts: Array.from({ length: options.hotCheckouts }, () => [seeded.hotVariantId!]),
        pgbench: { script: scripts?.hot ?? '', variables: { variant: seeded.pgbenchHotVariantId! } },
      }),
    );
  }
  if (only.includes('checkout-spread')) {
    step('checkout-spread');
    const ids = seeded.spreadVariantIds;
    if (ids[ids.length - 1] - ids[0] + 1 !== ids.length) throw new Error('spread variant ids are not contiguous');
    record(
      'checkout-spread',
      await checkoutScenario(ctx, {
        label: 'spread',
        carts: randomCarts(ids, options.spreadCheckouts, 3),
        pgbench: { script: scripts?.spread ?? '', variables: { first: ids[0], third: Math.floor(ids.length / 3) } },
      }),
    );
  }
  if (only.includes('expiry-drain')) {
    step('expiry-drain');
    record('expiry-drain', await expiryDrainScenario(ctx));
  }
  // After expiry-drain, which would otherwise count the sale's holds among the reservations it expires.
  if (only.includes('flash-sale')) {
    step(`flash-sale: ${options.flashBuyers} buyers at once for ${options.flashUnits} units`);
    record('flash-sale', await flashSaleScenario(ctx, { loaded: false }));
    step('flash-sale-loaded: the same while another process keeps one core busy');
    record('flash-sale-loaded', await flashSaleScenario(ctx, { loaded: true }));
  }
  if (only.includes('hostile')) {
    step('hostile: oversized and deeply nested requests, and /health while they arrive');
    const hostile = await hostileScenario(ctx);
    const peakRssMb = ctx.app.takePeakRssMb();
    for (const [name, result] of Object.entries(hostile)) results[name] = { ...result, peakRssMb };
  }
  if (only.includes('outbox-relay')) {
    if (ctx.schema.outbox) {
      step(`outbox-relay: ${options.outboxEvents} events committed in a burst, relayed to a local webhook receiver`);
      record('outbox-relay', await outboxRelayScenario(ctx));
    } else {
      step('outbox-relay: not run, this build has no outbox');
      ctx.withoutFeatures.add(FEATURE_NAMES.outbox);
    }
  }
  // After every scenario that counts or expires the bench's reservations, before the one that fills the memory.
  if (only.includes('soak')) {
    step(`soak: the shop's mixed traffic for ${options.minutes} min at 60 % of its peak`);
    record('soak', await soakScenario(ctx));
  }
  // Last: it leaves the app holding the most memory, which would weigh on the figures of any scenario after it.
  if (only.includes('cache-memory')) {
    step(`cache-memory: ${options.cacheVariants} variant views into the catalog read model`);
    record('cache-memory', await cacheMemoryScenario(ctx));
  }
  return results;
}
