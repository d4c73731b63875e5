import { BenchContext, ScenarioResult, summary } from '../lib/context';
import { LoadRequest, LoadResult } from '../lib/load';
import { TRIVIAL_REQUESTS } from './quote';

/** Connections sending hostile requests: a few clients are enough to be felt. */
const HOSTILE_CONNECTIONS = 4;
/** Connections probing /health meanwhile, as a load balancer and other customers would. */
const HEALTH_CONNECTIONS = 16;
/** Any 4xx refusal is what the server should answer; a 5xx or a dropped connection is an error. */
const REFUSALS = [400, 413];

const json = { 'content-type': 'application/json' };
/** What the hostile requests are compared with: a small bad request (a quote without lines). */
const SMALL_INVALID: LoadRequest = { method: 'POST', path: '/api/pricing/quotes', headers: json, body: '{"items":[]}' };

/**
 * Requests an attacker sends to cost the server as much as one request can: a quote of
 * 34,000 lines (just under the 1 MiB body limit), 100,000 empty objects in an unknown
 * field of a write route, and a quote nested 5,000 levels deep.
 */
function hostileRequests(ctx: BenchContext): Record<string, LoadRequest> {
  const items = Array.from({ length: 34_000 }, (_, i) => ({ variantId: (i % 9) + 1, quantity: 1 }));
  const admin = { ...json, authorization: `Bearer ${ctx.adminToken}` };
  return {
    'oversized-array': { method: 'POST', path: '/api/pricing/quotes', headers: json, body: JSON.stringify({ items }) },
    'many-objects': {
      method: 'POST',
      path: '/api/products/categories',
      headers: admin,
      body: `{"name":"x","junk":[${Array(100_000).fill('{}').join(',')}]}`,
    },
    'deep-nesting': {
      method: 'POST',
      path: '/api/pricing/quotes',
      headers: json,
      body: `{"items":[{"variantId":1,"quantity":${'['.repeat(5_000)}${']'.repeat(5_000)}}]}`,
    },
  };
}

/**
 * Hostile requests answered with anything but a refusal (a 5xx above all), and the
 * connections closed without an answer: the server closes one whose body is over the
 * limit while the client still sends it, which is a refusal too.
 */
function tally(result: LoadResult) {
  const answered = Object.values(result.statusCounts).reduce((sum, count) => sum + count, 0);
  const unexpected = Object.entries(result.statusCounts)
    .filter(([status]) => !REFUSALS.includes(Number(status)))
    .reduce((sum, [, count]) => sum + count, 0);
  return { errors: unexpected, closedUnanswered: result.requests - answered, statusCounts: result.statusCounts };
}

/**
 * `hostile`: the server time of each hostile request alone (the app's CPU per request,
 * and the latency of a few in flight), then /health p99 alone and while all three kinds
 * arrive at once. Reported as one row per kind and one for /health under attack.
 */
export async function hostileScenario(ctx: BenchContext): Promise<Record<string, ScenarioResult>> {
  const attacks = hostileRequests(ctx);
  const results: Record<string, ScenarioResult> = {};
  for (const [name, request] of Object.entries({ 'small-invalid': SMALL_INVALID, ...attacks })) {
    const alone = await ctx.load({
      requests: [request],
      amount: ctx.options.hostileRequests,
      connections: HOSTILE_CONNECTIONS,
      expectStatus: REFUSALS,
    });
    results[`hostile ${name}`] = { ...summary(alone), ...tally(alone) };
  }

  const health = { requests: TRIVIAL_REQUESTS, durationSeconds: ctx.options.seconds, expectStatus: [200] };
  const healthAlone = await ctx.load({ ...health, connections: HEALTH_CONNECTIONS });
  const [healthUnderAttack, attack] = await Promise.all([
    ctx.load({ ...health, connections: HEALTH_CONNECTIONS }),
    ctx.load({
      requests: Object.values(attacks),
      durationSeconds: ctx.options.seconds,
      connections: HOSTILE_CONNECTIONS,
      expectStatus: REFUSALS,
    }),
  ]);
  results['hostile /health alone'] = summary(healthAlone);
  results.hostile = {
    ...summary(healthUnderAttack),
    // CPU of the run is shared with the attack: per request it would mean nothing.
    appCpuMsPerRequest: undefined,
    errors: healthUnderAttack.errors + tally(attack).errors,
    limitThroughput: healthAlone.throughput,
    limitP99Ms: healthAlone.p99Ms,
    ratio: healthUnderAttack.throughput / healthAlone.throughput,
    hostile: tally(attack),
  };
  return results;
}
