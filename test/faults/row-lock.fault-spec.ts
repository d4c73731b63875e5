import { Client } from 'pg';
import { faultEnvironment, FaultEnvironment } from './support/environment';
import { Answer, audit, call, fillCart, loops, percentile, seedCatalog, unexplainedServerErrors } from './support/shop';

/** The default DATABASE_LOCK_TIMEOUT_MS. */
const LOCK_TIMEOUT_MS = 1000;
const HOLD_MS = 30_000;
/** Fewer than the pool's connections: the scenario is one locked row, not a pool exhausted by design. */
const LOCKED_BUYERS = 6;

describe('a stock row held FOR UPDATE for 30 s', () => {
  let f: FaultEnvironment;

  beforeAll(async () => {
    f = await faultEnvironment();
  }, 120_000);

  afterAll(async () => {
    await f?.destroy();
  });

  it('answers its buyers 503 within the lock timeout, writes nothing, and serves every other route', async () => {
    const { app } = f;
    const [locked, ...others] = await seedCatalog(app, 5, 1000);
    const lockedBuyers = Array.from({ length: LOCKED_BUYERS }, (_, index) => app.token(`locked-${index}`));
    for (const buyer of lockedBuyers) await fillCart(app, buyer, locked);

    const holder = new Client({ connectionString: f.cluster.url() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM stock_levels WHERE variant_id = $1 FOR UPDATE', [locked]);
    const measureUntil = Date.now() + HOLD_MS;

    const lockedAnswers: Answer[] = [];
    const otherAnswers: Answer[] = [];
    const done = () => Date.now() > measureUntil;
    await Promise.all([
      loops(LOCKED_BUYERS, 100, done, async (loop) => {
        lockedAnswers.push(
          await call(app, 'POST', '/api/cart/checkout', { token: lockedBuyers[loop], timeoutMs: 45_000 }),
        );
      }),
      loops(4, 10_000, done, async (loop, iteration) => {
        const variant = others[(loop + iteration) % others.length];
        otherAnswers.push(await call(app, 'GET', `/api/pricing/${variant}/price?quantity=2`));
        otherAnswers.push(await call(app, 'GET', `/api/inventory/${variant}`));
        otherAnswers.push(await call(app, 'GET', `/api/products?limit=5`));
      }),
      loops(2, 10_000, done, async (loop, iteration) => {
        const buyer = app.token(`other-${loop}-${iteration}`);
        const added = await call(app, 'POST', '/api/cart/items', {
          token: buyer,
          body: { variantId: others[iteration % others.length], quantity: 1 },
        });
        otherAnswers.push(added, await call(app, 'POST', '/api/cart/checkout', { token: buyer }));
      }),
    ]);
    await holder.query('ROLLBACK');
    await holder.end();

    // Buyers of the locked row: 503 with Retry-After once the lock wait runs out, never a hang.
    expect(lockedAnswers.length).toBeGreaterThanOrEqual(LOCKED_BUYERS);
    expect(lockedAnswers.filter((answer) => answer.status !== 503)).toEqual([]);
    expect(lockedAnswers.every((answer) => answer.retryAfter !== null)).toBe(true);
    expect(lockedAnswers.every((answer) => answer.body?.code === 'SERVICE_UNAVAILABLE')).toBe(true);
    // PostgreSQL times the wait in the row's queue and the wait for its holder apart: up to twice the timeout.
    expect(Math.max(...lockedAnswers.map((answer) => answer.ms))).toBeLessThan(2 * LOCK_TIMEOUT_MS + 1000);

    // Every other route kept answering, and quickly.
    expect(unexplainedServerErrors(otherAnswers)).toEqual([]);
    expect(otherAnswers.filter((answer) => answer.status >= 400)).toEqual([]);
    expect(
      percentile(
        otherAnswers.map((answer) => answer.ms),
        99,
      ),
    ).toBeLessThan(1000);
    report('row lock', lockedAnswers, otherAnswers);

    // Nothing was written for the locked buyers; once the row is free they check out.
    const stock = await call(app, 'GET', `/api/inventory/${locked}`);
    expect(stock.body).toMatchObject({ reserved: 0, available: 1000 });
    const after = await call(app, 'POST', '/api/cart/checkout', { token: lockedBuyers[0] });
    expect(after.status).toBe(201);
    expect(await audit(app)).toMatchObject({ consistent: true, drift: [], stuck: [] });
  }, 120_000);
});

function report(scenario: string, locked: Answer[], others: Answer[]): void {
  const ms = (answers: Answer[]) => answers.map((answer) => answer.ms);
  console.log(
    JSON.stringify({
      scenario,
      lockedBuyers: { answers: locked.length, p50: percentile(ms(locked), 50), max: Math.max(...ms(locked)) },
      otherRoutes: { answers: others.length, p50: percentile(ms(others), 50), p99: percentile(ms(others), 99) },
    }),
  );
}
