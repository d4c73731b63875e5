import { BenchContext, ScenarioResult, summary } from '../lib/context';
import { LoadRequest, LoadResult } from '../lib/load';
import { round } from '../lib/stats';
import { catalogRequests } from './catalog';
import { quoteRequests, TRIVIAL_REQUESTS } from './quote';

const WARM_UP_SECONDS = 3;

/**
 * The read scenarios and their limit, interleaved: after a short warm-up, each round
 * runs the trivial route, then each scenario, for `seconds` each. A shared machine's load drifts; interleaving
 * lets every ratio compare runs made under the same drift, and the medians over the
 * rounds ignore one disturbed run.
 */
export async function readScenarios(
  ctx: BenchContext,
  wanted: { quote: boolean; catalog: boolean },
): Promise<Record<string, ScenarioResult>> {
  const runs: Record<string, LoadRequest[]> = { trivial: TRIVIAL_REQUESTS };
  if (wanted.quote) runs.quote = await quoteRequests(ctx);
  if (wanted.catalog) runs.catalog = catalogRequests(ctx);

  // Unrecorded warm-up: the first seconds of a fresh process run cold code (JIT, caches, pool).
  for (const requests of Object.values(runs)) {
    await ctx.load({ requests, durationSeconds: Math.min(ctx.options.seconds, WARM_UP_SECONDS), expectStatus: [200] });
  }
  const results: Record<string, LoadResult[]> = {};
  for (let roundIndex = 0; roundIndex < ctx.options.rounds; roundIndex++) {
    for (const [name, requests] of Object.entries(runs)) {
      const result = await ctx.load({ requests, durationSeconds: ctx.options.seconds, expectStatus: [200] });
      (results[name] ??= []).push(result);
    }
  }

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
      ...(name === 'quote' ? { variants: ctx.seeded.quoteVariantIds.length, rules: ctx.options.rules } : {}),
      rounds: results[name].map(roundFigures),
    };
  }
  return scenarios;
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
