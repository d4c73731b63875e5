import { expectPromisesKept } from './support/checks';
import { faultEnvironment, FaultEnvironment } from './support/environment';
import { sleep } from './support/processes';
import { Answer, call, loops, seedCatalog, unexplainedServerErrors } from './support/shop';
import { runShoppers } from './support/shoppers';

const SWEEP_SECONDS = 2;

describe.each(['fast', 'immediate'] as const)('PostgreSQL restarted (-m %s) under load', (mode) => {
  let f: FaultEnvironment;

  beforeAll(async () => {
    f = await faultEnvironment({ RESERVATION_SWEEP_SECONDS: String(SWEEP_SECONDS) });
  }, 120_000);

  afterAll(async () => {
    await f?.destroy();
  });

  it('answers 503 with Retry-After while it is away, never 500, and keeps every promise', async () => {
    const { app, cluster } = f;
    const variants = await seedCatalog(app, 20, 10_000);
    let stopping = false;
    const readers: Answer[] = [];
    const load = Promise.all([
      runShoppers(app, variants, { concurrency: 6, stop: () => stopping, prefix: `pg-${mode}` }),
      loops(
        2,
        100_000,
        () => stopping,
        async (_loop, iteration) => {
          const variant = variants[iteration % variants.length];
          readers.push(await call(app, 'GET', `/api/pricing/${variant}/price?quantity=3`, { timeoutMs: 5000 }));
          readers.push(await call(app, 'GET', `/api/inventory/${variant}`, { timeoutMs: 5000 }));
        },
      ),
    ]);

    await sleep(3000);
    const restartStarted = Date.now();
    await cluster.restart(mode);
    const restartedMs = Date.now() - restartStarted;
    await sleep(5000);
    stopping = true;
    const [run] = await load;

    const answers = [...run.answers, ...readers];
    const unavailable = answers.filter((answer) => answer.status === 503);
    console.log(
      JSON.stringify({
        scenario: `postgres restart -m ${mode}`,
        restartedMs,
        answers: answers.length,
        status500: answers.filter((answer) => answer.status === 500).length,
        status503: unavailable.length,
        noAnswer: answers.filter((answer) => answer.status === 0).length,
        customers: run.outcomes.length,
      }),
    );
    expect(unexplainedServerErrors(answers)).toEqual([]);
    // Logged as the service's situation (warn), not as bugs.
    expect(app.logs.filter((line) => line.level >= 50)).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((answer) => answer.body?.code === 'SERVICE_UNAVAILABLE')).toBe(true);
    await expectPromisesKept(f, run, SWEEP_SECONDS * 1000 + 10_000);
  }, 120_000);
});
