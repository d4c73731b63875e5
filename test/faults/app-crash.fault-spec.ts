import { expectPromisesKept } from './support/checks';
import { faultEnvironment, FaultEnvironment } from './support/environment';
import { sleep } from './support/processes';
import { call, fillCart, seedCatalog, unexplainedServerErrors } from './support/shop';
import { runShoppers } from './support/shoppers';

const SWEEP_SECONDS = 2;

describe('the app killed with SIGKILL under load, then started again', () => {
  let f: FaultEnvironment;

  beforeAll(async () => {
    f = await faultEnvironment({ RESERVATION_SWEEP_SECONDS: String(SWEEP_SECONDS) });
  }, 120_000);

  afterAll(async () => {
    await f?.destroy();
  });

  it('answers a checkout retried without a key with the reservation it made', async () => {
    const { app } = f;
    const [variant] = await seedCatalog(app, 1, 100);
    const customer = app.token('gave-up');
    await fillCart(app, customer, variant, 2);

    // The client stops waiting before the answer (a timeout, a dropped connection).
    const first = await call(app, 'POST', '/api/cart/checkout', { token: customer, timeoutMs: 1 });
    expect(first.status).toBe(0);
    await sleep(500);
    const retried = await call(app, 'POST', '/api/cart/checkout', { token: customer });

    // Either the first never committed (its client was gone) and this one reserves, or
    // it did and this is its reservation: one reservation in both cases.
    expect([200, 201]).toContain(retried.status);
    if (retried.status === 200) expect(retried.replayed).toBe(true);
    const again = await call(app, 'POST', '/api/cart/checkout', { token: customer });
    expect(again).toMatchObject({ status: 200, replayed: true });
    expect(again.body?.id).toBe(retried.body?.id);
    expect((await call(app, 'GET', `/api/inventory/${variant}`)).body).toMatchObject({ reserved: 2 });
  }, 60_000);

  it('keeps every promise across the crash: no 500, no double reservation, no stranded cart', async () => {
    const { app } = f;
    // A catalog of its own: the first test's variant has too few units for this load.
    const variants = await seedCatalog(app, 20, 10_000, 'Crash');
    let stopping = false;
    const load = runShoppers(app, variants, { concurrency: 6, stop: () => stopping, prefix: 'crash' });

    await sleep(3000);
    await app.kill('SIGKILL');
    app.start();
    await app.waitUntilReady();
    await sleep(3000);
    stopping = true;
    const run = await load;

    console.log(
      JSON.stringify({
        scenario: 'app SIGKILL',
        answers: run.answers.length,
        status500: run.answers.filter((answer) => answer.status === 500).length,
        noAnswer: run.answers.filter((answer) => answer.status === 0).length,
        customers: run.outcomes.length,
      }),
    );
    expect(unexplainedServerErrors(run.answers)).toEqual([]);
    await expectPromisesKept(f, run, SWEEP_SECONDS * 1000 + 10_000);
  }, 180_000);
});
