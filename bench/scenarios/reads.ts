import { BenchApp } from '../lib/bench-app';
import { BenchContext, ScenarioResult, summary } from '../lib/context';
import { LoadRequest, LoadResult } from '../lib/load';
import { round } from '../lib/stats';
import { catalogRequests } from './catalog';
import { quoteRequests, TRIVIAL_REQUESTS } from './quote';

const WARM_UP_SECONDS = 3;

/** A run of the read scenarios: its requests, and the app they go to. */
interface ReadRun {
  requests: LoadRequest[];
  app?: BenchApp;
}

/** The suffix of a read scenario run against the app without its catalog read model. */
const UNCACHED = '-uncached';

/**
 * The read scenarios and their limit, interleaved: after a short warm-up, each round
 * runs the trivial route, then each scenario, for `seconds` each. A shared machine's load drifts; interleaving
 * lets every ratio compare runs made under the same drift, and the medians over the
 * rounds ignore one disturbed run. With a second app whose catalog read model is off,
 * each scenario also runs against it (`quote-uncached`, `catalog-uncached`), so the
 * read model's effect is measured in the same run; the read model's hit rate comes from
 * the cached app's /metrics.
 */
export async function readScenarios(
  ctx: BenchContext,
  wanted: { quote: boolean; catalog: boolean },
): Promise<Record<string, ScenarioResult>> {
  const runs: Record<string, ReadRun> = { trivial: { requests: TRIVIAL_REQUESTS } };
  if (wanted.quote) runs.quote = { requests: await quoteRequests(ctx) };
  if (wanted.catalog) runs.catalog = { requests: catalogRequests(ctx) };
  if (ctx.uncachedApp) {
    for (const name of Object.keys(runs).filter((run) => run !== 'trivial')) {
      runs[`${name}${UNCACHED}`] = { requests: runs[name].requests, app: ctx.uncachedApp };
    }
  }

  // Unrecorded warm-up: the first seconds of a fresh process run cold code (JIT, caches, pool).
  for (const { requests, app } of Object.values(runs)) {
    await ctx.load({
      requests,
      app,
      durationSeconds: Math.min(ctx.options.seconds, WARM_UP_SECONDS),
      expectStatus: [200],
    });
  }
  const lookupsBefore = await cacheLookups(ctx.app);
  const results: Record<string, LoadResult[]> = {};
  for (let roundIndex = 0; roundIndex < ctx.options.rounds; roundIndex++) {
    for (const [name, { requests, app }] of Object.entries(runs)) {
      const result = await ctx.load({ requests, app, durationSeconds: ctx.options.seconds, expectStatus: [200] });
      (results[name] ??= []).push(result);
    }
  }
  const lookupsAfter = await cacheLookups(ctx.app);
  const hits = lookupsAfter.hit - lookupsBefore.hit;
  const misses = lookupsAfter.miss - lookupsBefore.miss;

  const trivial = medianOf(results.trivial);
  const scenarios: Record<string, ScenarioResult> = {
    trivial: { ...summary(trivial), rounds: results.trivial.map(roundFigures) },
  };
  for (const name of Object.keys(runs).filter((run) => run !== 'trivial')) {
    const median = medianOf(results[name]);
    scenarios[name] = {
      ...summary(median),
      limitThroughput: trivial.throughput,
      ratio: median.throughput / trivial.throughput,
      limitP99Ms: trivial.p99Ms,
      ...(name.startsWith('quote') ? { variants: ctx.seeded.quoteVariantIds.length, rules: ctx.options.rules } : {}),
      rounds: results[name].map(roundFigures),
    };
  }
  for (const name of Object.keys(scenarios).filter((scenario) => results[`${scenario}${UNCACHED}`])) {
    const uncached = medianOf(results[`${name}${UNCACHED}`]);
    scenarios[name].cacheSpeedup = round(scenarios[name].throughput / uncached.throughput, 2);
    // Over every cached read run (quote and catalog together: one read model serves both).
    scenarios[name].cacheHitRate = hits + misses > 0 ? round(hits / (hits + misses), 3) : null;
  }
  return scenarios;
}

/** The read model's lookups so far, by result, from the app's /metrics. */
async function cacheLookups(app: BenchApp): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const value = (result: string) =>
    Number(new RegExp(`^commerce_catalog_cache_lookups\\{result="${result}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { hit: value('hit'), miss: value('miss') };
}

function roundFigures(run: LoadResult) {
  return {
    throughput: round(run.throughput),
    p50Ms: run.p50Ms,
    p99Ms: run.p99Ms,
    errors: run.errors,
    appCpuMsPerRequest: run.appCpuMsPerRequest,
  };
}

/** Each figure's median over the rounds; errors and requests are summed. */
function medianOf(runs: LoadResult[]): LoadResult {
  const median = (pick: (run: LoadResult) => number) => {
    const values = runs.map(pick).sort((a, b) => a - b);
    const middle = Math.floor(values.length / 2);
    return values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  };
  return {
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    ok: runs.reduce((sum, run) => sum + run.ok, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    statusCounts: {},
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    throughput: median((run) => run.throughput),
    p50Ms: median((run) => run.p50Ms),
    p99Ms: median((run) => run.p99Ms),
    maxMs: Math.max(...runs.map((run) => run.maxMs)),
    appCpuMsPerRequest: round(
      median((run) => run.appCpuMsPerRequest ?? 0),
      2,
    ),
  };
}
