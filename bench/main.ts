import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { Pool } from 'pg';
import { TokenService } from '../src/shared/auth';
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from '../src/shared/database';
import { BenchApp } from './lib/bench-app';
import { hotCheckoutScript, spreadCheckoutScript } from './lib/checkout-scripts';
import { BenchContext, ScenarioResult, Seeded } from './lib/context';
import { BenchOptions, parseOptions, ScenarioName } from './lib/options';
import { pgbenchAvailable } from './lib/pgbench';
import { printReport, Report, targetsOf } from './lib/report';
import { seedCategoryTree, seedStock, seedVariants, setPurchaseLimit } from './lib/seed';
import { cacheMemoryScenario } from './scenarios/cache-memory';
import { checkoutScenario, randomCarts } from './scenarios/checkout';
import { expiryDrainScenario } from './scenarios/expiry-drain';
import { hostileScenario } from './scenarios/hostile';
import { outboxRelayScenario } from './scenarios/outbox-relay';
import { readScenarios } from './scenarios/reads';

const PGBENCH_STOCK = 100_000_000;
const SPREAD_STOCK_PER_VARIANT = 100_000;

/**
 * `npm run bench`: the built app in its own process on a fresh database and Redis
 * prefix, load from another process, pgbench for the physical limit; prints a table
 * and writes the results (bench/results/latest.json by default).
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!(await pgbenchAvailable()))
    throw new Error('pgbench is not installed (Debian: apt-get install postgresql-client)');

  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const databaseUrl = withDatabaseName(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    `bench_${runId}`,
  );
  const redis = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `bench-${runId}` };
  const jwtSecret = randomBytes(32).toString('hex');
  const logFile = join(dirname(options.out), 'app.log');
  mkdirSync(dirname(options.out), { recursive: true });

  await createDatabaseIfMissing(databaseUrl);
  const db = new Pool({ connectionString: databaseUrl, max: 4 });
  let app: BenchApp | undefined;
  let uncachedApp: BenchApp | undefined;
  try {
    step(`starting the app (database bench_${runId}, Redis prefix ${redis.prefix}, logs in ${logFile})`);
    const appEnv = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      JWT_SECRET: jwtSecret,
      MIGRATIONS_RUN: 'true',
      // The bench is one client hammering the API: a per-client rate limit would measure itself.
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_CART_PER_MINUTE: '0',
      CATALOG_CACHE_MAX_ENTRIES: String(options.cacheVariants),
      // outbox-relay's webhook receiver listens on 127.0.0.1, which the sender refuses by default.
      WEBHOOKS_ALLOW_PRIVATE: 'true',
    };
    app = await BenchApp.start({ ...appEnv, PORT: String(await freePort()) }, logFile, options.cpuProfileDir);
    if (options.only.includes('quote') || options.only.includes('catalog')) {
      step('starting the same app without its catalog read model, for the read scenarios to compare with');
      uncachedApp = await BenchApp.start(
        // An api process: its jobs would only compete with the measured app's.
        { ...appEnv, PORT: String(await freePort()), CATALOG_CACHE_MAX_ENTRIES: '0', APP_ROLE: 'api' },
        join(dirname(options.out), 'app-uncached.log'),
      );
    }
    const seeded = await seed(db, options);
    const ctx = new BenchContext(
      options,
      app,
      db,
      databaseUrl,
      redis,
      new TokenService(new JwtService({ secret: jwtSecret })),
      seeded,
      uncachedApp,
    );
    const startupRssMb = app.takePeakRssMb();
    const scenarios = await runScenarios(ctx, options.only);
    const report: Report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      options: { ...options, out: undefined },
      scenarios,
      memory: { peakRssMb: app.lifetimePeakRssMb(), startupRssMb },
      targets: [],
    };
    report.targets = targetsOf(report);
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
    step(`results written to ${options.out}`);
    // Speed targets are goals; a correctness one (oversold, drift, errors, deadlocks) is a failure.
    const broken = report.targets.filter((target) => !target.met && target.goal === '0');
    if (broken.length > 0) {
      console.error(`correctness under load violated: ${broken.map((target) => target.what).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await uncachedApp?.stop();
    await app?.stop();
    await db.end();
    if (!options.keepDatabase) await dropDatabase(databaseUrl);
    await deleteRedisKeys(redis);
  }
}

async function seed(db: Pool, options: BenchOptions): Promise<Seeded> {
  const wants = (...names: ScenarioName[]) => names.some((name) => options.only.includes(name));
  step('seeding the catalog and stock');
  const categories = await seedCategoryTree(db);
  const seeded: Seeded = { categories, quoteVariantIds: [], spreadVariantIds: [] };
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
    await setPurchaseLimit(db, seeded.spreadVariantIds, SPREAD_STOCK_PER_VARIANT);
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
    await setPurchaseLimit(db, [hot], 1);
    seeded.hotVariantId = hot;
    seeded.pgbenchHotVariantId = pgbenchHot;
  }
  return seeded;
}

async function runScenarios(ctx: BenchContext, only: ScenarioName[]): Promise<Record<string, ScenarioResult>> {
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
  if (only.includes('checkout-hot')) {
    step('checkout-hot');
    record(
      'checkout-hot',
      await checkoutScenario(ctx, {
        label: 'hot',
        carts: Array.from({ length: options.hotCheckouts }, () => [seeded.hotVariantId!]),
        pgbench: { script: hotCheckoutScript(), variables: { variant: seeded.pgbenchHotVariantId! } },
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
        pgbench: { script: spreadCheckoutScript(), variables: { first: ids[0], third: Math.floor(ids.length / 3) } },
      }),
    );
  }
  if (only.includes('expiry-drain')) {
    step('expiry-drain');
    record('expiry-drain', await expiryDrainScenario(ctx));
  }
  if (only.includes('hostile')) {
    step('hostile: oversized and deeply nested requests, and /health while they arrive');
    const hostile = await hostileScenario(ctx);
    const peakRssMb = ctx.app.takePeakRssMb();
    for (const [name, result] of Object.entries(hostile)) results[name] = { ...result, peakRssMb };
  }
  if (only.includes('outbox-relay')) {
    step(`outbox-relay: ${options.outboxEvents} events committed in a burst, relayed to a local webhook receiver`);
    record('outbox-relay', await outboxRelayScenario(ctx));
  }
  // Last: it leaves the app holding the most memory, which would weigh on the figures of any scenario after it.
  if (only.includes('cache-memory')) {
    step(`cache-memory: ${options.cacheVariants} variant views into the catalog read model`);
    record('cache-memory', await cacheMemoryScenario(ctx));
  }
  return results;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function deleteRedisKeys(redis: { url: string; prefix: string }): Promise<void> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${redis.prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    console.error(`could not delete the Redis keys under ${redis.prefix}: ${String(error)}`);
  } finally {
    client.disconnect();
  }
}

function step(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
