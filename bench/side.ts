import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Pool } from 'pg';
import { TokenService } from '../src/shared/auth';
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from '../src/shared/database';
import { AppBuild, BenchApp } from './lib/bench-app';
import { BenchContext, SideResult } from './lib/context';
import { BenchOptions } from './lib/options';
import { schemaFeatures } from './lib/schema';
import { step } from './lib/step';
import { runScenarios, seed } from './run-scenarios';

/** One app build run through the selected scenarios, on a database and Redis prefix of its own. */
export interface SideSetup {
  options: BenchOptions;
  build: AppBuild;
  /** How the progress lines name the app ("the app", "the app of 54dabaf"). */
  appLabel: string;
  databaseName: string;
  redisPrefix: string;
  /** Unique to this run and side; customer ids are made with it. */
  runTag: string;
  logFile: string;
  /** Whether a second app without the catalog read model runs beside it for quote and catalog to compare with. */
  uncachedComparison: boolean;
  /** Whether the checkout scenarios run pgbench for their limit. */
  measuresLimits: boolean;
}

/**
 * Creates the side's database, starts its app (which migrates it), seeds what the app's
 * schema has room for, runs the scenarios; then stops the app and drops the database
 * (unless --keep-db) and the Redis keys, whatever happened.
 */
export async function runSide(setup: SideSetup): Promise<SideResult> {
  const { options } = setup;
  const databaseUrl = withDatabaseName(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    setup.databaseName,
  );
  const redis = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: setup.redisPrefix };
  const jwtSecret = randomBytes(32).toString('hex');

  await createDatabaseIfMissing(databaseUrl);
  const db = new Pool({ connectionString: databaseUrl, max: 4 });
  let app: BenchApp | undefined;
  let uncachedApp: BenchApp | undefined;
  try {
    step(
      `starting ${setup.appLabel} (database ${setup.databaseName}, Redis prefix ${redis.prefix}, logs in ${setup.logFile})`,
    );
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
    const appOptions = { build: setup.build, cpuProfileDir: options.cpuProfileDir };
    app = await BenchApp.start({ ...appEnv, PORT: String(await freePort()) }, setup.logFile, appOptions);
    if (setup.uncachedComparison && (options.only.includes('quote') || options.only.includes('catalog'))) {
      step('starting the same app without its catalog read model, for the read scenarios to compare with');
      uncachedApp = await BenchApp.start(
        // An api process: its jobs would only compete with the measured app's.
        { ...appEnv, PORT: String(await freePort()), CATALOG_CACHE_MAX_ENTRIES: '0', APP_ROLE: 'api' },
        join(dirname(setup.logFile), 'app-uncached.log'),
        { build: setup.build },
      );
    }
    const schema = await schemaFeatures(db);
    const withoutFeatures = new Set<string>();
    const seeded = await seed(db, options, schema, withoutFeatures);
    const ctx = new BenchContext({
      options,
      app,
      db,
      databaseUrl,
      redis,
      tokens: new TokenService(new JwtService({ secret: jwtSecret })),
      jwtSecret,
      seeded,
      uncachedApp,
      schema,
      measuresLimits: setup.measuresLimits,
      runTag: setup.runTag,
      withoutFeatures,
    });
    const startupRssMb = app.takePeakRssMb();
    const scenarios = await runScenarios(ctx, options.only);
    return {
      scenarios,
      memory: { peakRssMb: app.lifetimePeakRssMb(), startupRssMb },
      withoutFeatures: [...withoutFeatures],
    };
  } finally {
    await uncachedApp?.stop();
    await app?.stop();
    await db.end();
    if (!options.keepDatabase) await dropDatabase(databaseUrl);
    await deleteRedisKeys(redis);
  }
}

/** A run id: its time and a little randomness, short enough for database names and customer ids. */
export function newRunId(): string {
  return `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
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
