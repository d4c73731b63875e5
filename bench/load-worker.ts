import autocannon from 'autocannon';
import type { LoadRequest, LoadResult, LoadSpec } from './lib/load';

/**
 * The load generator's process (forked by lib/load.ts): receives one LoadSpec, drives it
 * with autocannon and answers one LoadResult. All connections share one cursor over the
 * requests, so with `amount` = their number each request is sent exactly once.
 */
async function drive(spec: LoadSpec): Promise<LoadResult> {
  let cursor = 0;
  const next = (): LoadRequest => spec.requests[cursor++ % spec.requests.length];
  const started = process.hrtime.bigint();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationSeconds }),
        timeout: 30,
        requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    // autocannon notices that `amount` is reached on its one-second tick: timing the run
    // to its last answer keeps that idle tail out of the throughput.
    instance.on('response', () => (lastResponse = process.hrtime.bigint()));
  });
  const seconds = Number(lastResponse - started) / 1e9;

  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[status] = stats.count ?? 0;
  }
  const ok = spec.expectStatus.reduce((sum, status) => sum + (statusCounts[String(status)] ?? 0), 0);
  const answered = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    requests: answered + result.errors,
    ok,
    errors: answered - ok + result.errors,
    statusCounts,
    seconds,
    throughput: ok / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

process.once('message', (spec: LoadSpec) => {
  drive(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
