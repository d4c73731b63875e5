import { Client } from 'pg';
import { expectPromisesKept } from './support/checks';
import { faultEnvironment, FaultEnvironment } from './support/environment';
import { PrivateBouncer } from './support/pgbouncer';
import { sleep } from './support/processes';
import { Answer, audit, call, fillCart, loops, seedCatalog, unexplainedServerErrors } from './support/shop';
import { runShoppers } from './support/shoppers';

/** The default DATABASE_LOCK_TIMEOUT_MS. */
const LOCK_TIMEOUT_MS = 1000;
const BUYERS = 300;
const UNITS = 100;

/**
 * The service as production runs it: every connection but the listening one through
 * PgBouncer in transaction mode, where a server connection serves another client after
 * each transaction, so nothing may rest on session state.
 */
describe('Behind PgBouncer in transaction mode', () => {
  let f: FaultEnvironment;

  beforeAll(async () => {
    f = await faultEnvironment(
      { RESERVATION_SWEEP_SECONDS: '2' },
      {
        inFront: async (cluster) => {
          const bouncer = await PrivateBouncer.start(cluster.port);
          return {
            env: { DATABASE_URL: bouncer.url(), DATABASE_LISTEN_URL: bouncer.sessionUrl },
            destroy: () => bouncer.destroy(),
          };
        },
      },
    );
  }, 180_000);

  afterAll(async () => {
    await f?.destroy();
  });

  it('starts through it (migrations included) and is ready: its transactions run under the configured timeouts', async () => {
    const ready = await call(f.app, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok' });
  });

  it(`sells exactly ${UNITS} units to ${BUYERS} buyers at once, and nothing more`, async () => {
    const [variant] = await seedCatalog(f.app, 1, UNITS, 'Race');
    const buyers = Array.from({ length: BUYERS }, (_, index) => f.app.token(`race-${index}`));
    await Promise.all(buyers.map((token) => fillCart(f.app, token, variant)));

    // As storefronts do: a 503 (a pool or lock wait that ran out) is tried again.
    const seen: Answer[] = [];
    const answers = await Promise.all(
      buyers.map(async (token) => {
        for (let attempt = 0; ; attempt++) {
          const answer = await call(f.app, 'POST', '/api/cart/checkout', { token, timeoutMs: 20_000 });
          seen.push(answer);
          if (answer.status !== 503 || attempt === 20) return answer;
          await sleep(200);
        }
      }),
    );

    expect(unexplainedServerErrors(seen)).toEqual([]);
    const sold = answers.filter((answer) => answer.status === 201).length;
    const refused = answers.filter((answer) => answer.status === 409).length;
    const unavailable = seen.filter((answer) => answer.status === 503).length;
    console.log(JSON.stringify({ scenario: 'pgbouncer race', buyers: BUYERS, sold, refused, unavailable }));
    expect({ sold, refused }).toEqual({ sold: UNITS, refused: BUYERS - UNITS });
    const stock = await call(f.app, 'GET', `/api/inventory/${variant}`);
    expect(stock.body).toMatchObject({ onHand: UNITS, reserved: sold });
    expect(await audit(f.app)).toMatchObject({ consistent: true, drift: [], stuck: [] });
  }, 120_000);

  it('keeps every promise under mixed shoppers', async () => {
    const variants = await seedCatalog(f.app, 10, 10_000, 'Mixed');
    let stopping = false;
    const run = runShoppers(f.app, variants, { concurrency: 8, stop: () => stopping, prefix: 'bouncer' });
    await sleep(8000);
    stopping = true;
    const result = await run;
    expect(unexplainedServerErrors(result.answers)).toEqual([]);
    expect(result.answers.filter((answer) => answer.status === 503)).toEqual([]);
    await expectPromisesKept(f, result, 15_000);
  }, 120_000);

  it('answers buyers of a held row 503 within the lock timeout and serves everyone else', async () => {
    const [locked, other] = await seedCatalog(f.app, 2, 100, 'Locked');
    const lockedBuyers = Array.from({ length: 4 }, (_, index) => f.app.token(`locked-${index}`));
    for (const token of lockedBuyers) await fillCart(f.app, token, locked);

    const holder = new Client({ connectionString: f.cluster.url() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM stock_levels WHERE variant_id = $1 FOR UPDATE', [locked]);
    const lockedAnswers: Answer[] = [];
    const otherAnswers: Answer[] = [];
    const until = Date.now() + 5000;
    await Promise.all([
      loops(
        lockedBuyers.length,
        20,
        () => Date.now() > until,
        async (loop) => {
          lockedAnswers.push(
            await call(f.app, 'POST', '/api/cart/checkout', { token: lockedBuyers[loop], timeoutMs: 15_000 }),
          );
        },
      ),
      loops(
        2,
        1000,
        () => Date.now() > until,
        async () => {
          otherAnswers.push(await call(f.app, 'GET', `/api/inventory/${other}`));
          otherAnswers.push(await call(f.app, 'GET', '/api/products?limit=5'));
        },
      ),
    ]);
    await holder.query('ROLLBACK');
    await holder.end();

    expect(lockedAnswers.length).toBeGreaterThanOrEqual(lockedBuyers.length);
    expect(lockedAnswers.filter((answer) => answer.status !== 503 || !answer.retryAfter)).toEqual([]);
    // PostgreSQL times the wait in the row's queue and the wait for its holder apart: up to twice the timeout.
    expect(Math.max(...lockedAnswers.map((answer) => answer.ms))).toBeLessThan(2 * LOCK_TIMEOUT_MS + 1000);
    expect(otherAnswers.filter((answer) => answer.status !== 200)).toEqual([]);
    console.log(
      JSON.stringify({
        scenario: 'pgbouncer row lock',
        lockedAnswers: lockedAnswers.length,
        slowest503Ms: Math.round(Math.max(...lockedAnswers.map((answer) => answer.ms))),
        otherAnswers: otherAnswers.length,
      }),
    );
  }, 60_000);
});
