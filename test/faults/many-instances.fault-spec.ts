import { randomBytes, randomUUID } from 'node:crypto';
import { AppProcess } from './support/app-process';
import { LoadBalancer } from './support/load-balancer';
import { PrivateCluster } from './support/postgres-cluster';
import { eventually, sleep } from './support/processes';
import { PrivateRedis } from './support/redis-server';
import { audit, call, Endpoint, loops } from './support/shop';

const BUYERS = 300;
const UNITS = 100;
const RATE_LIMIT_PER_MINUTE = 40;
/** Longer than the sale takes, so that no unit comes back to be sold twice before the sale is counted. */
const RESERVATION_TTL_SECONDS = 30;
/** What the invalidation bus promises: a write is in force on every instance within a second. */
const PROPAGATION_BOUND_MS = 1_000;

/** One answer as a storefront sees it behind the balancer: `fromApp` when the app itself answered. */
interface Seen {
  status: number;
  fromApp: boolean;
  code?: string;
  at: number;
}

/**
 * One shop as it grows: two API processes and a worker (APP_ROLE) on one PostgreSQL and
 * one Redis of the test's own, behind a real HAProxy checking /health/ready.
 */
describe('Several instances behind a load balancer', () => {
  let cluster: PrivateCluster;
  let redis: PrivateRedis;
  let worker: AppProcess;
  let apis: AppProcess[] = [];
  let balancer: LoadBalancer;
  /** Calls through the balancer, with the apps' token minting. */
  let shop: Endpoint;

  beforeAll(async () => {
    if (!(await LoadBalancer.available()))
      throw new Error('haproxy is not installed (Debian: apt-get install haproxy)');
    cluster = await PrivateCluster.start();
    await cluster.createDatabase();
    redis = await PrivateRedis.start();
    const shared = {
      DATABASE_URL: cluster.url(),
      REDIS_URL: redis.url,
      // A hash tag: every key of every queue in one Redis Cluster slot (see QUEUE_PREFIX).
      QUEUE_PREFIX: '{faults}',
      JWT_SECRET: randomBytes(32).toString('hex'),
      RESERVATION_TTL_SECONDS: String(RESERVATION_TTL_SECONDS),
      RESERVATION_SWEEP_SECONDS: '2',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
      // Only the invalidation bus can make a rule reach another instance within the test.
      PRICING_RULES_REFRESH_SECONDS: '3600',
    };
    // The worker migrates the database first; the API processes then start on it together.
    worker = await AppProcess.create({ ...shared, APP_ROLE: 'worker' });
    worker.start();
    await worker.waitUntilReady(150_000);
    apis = await Promise.all(
      [1, 2].map(() => AppProcess.create({ ...shared, APP_ROLE: 'api', MIGRATIONS_RUN: 'false' })),
    );
    apis.forEach((api) => api.start());
    await Promise.all(apis.map((api) => api.waitUntilReady(150_000)));
    balancer = await LoadBalancer.start(apis.map((api) => api.port));
    shop = { url: balancer.url, token: (sub, options) => worker.token(sub, options) };
  }, 400_000);

  afterAll(async () => {
    await balancer?.destroy().catch(() => undefined);
    await Promise.all([worker, ...apis].map((app) => app?.stop().catch(() => undefined)));
    await redis?.destroy().catch(() => undefined);
    await cluster?.destroy().catch(() => undefined);
  });

  let variantId: number;
  const winners: string[] = [];

  it(`sells exactly ${UNITS} units to ${BUYERS} buyers spread over the instances`, async () => {
    variantId = await stockedVariant(UNITS);
    const outcomes: Seen[] = [];
    let next = 0;
    await loops(
      30,
      BUYERS,
      () => next >= BUYERS,
      async () => {
        const token = shop.token(`buyer-${next++}`);
        const added = await call(shop, 'POST', '/api/cart/items', { token, body: { variantId, quantity: 1 } });
        const answer = added.status === 201 ? await call(shop, 'POST', '/api/cart/checkout', { token }) : added;
        if (answer.status === 201) winners.push(answer.body?.id as string);
        outcomes.push({ status: answer.status, fromApp: true, code: answer.body?.code as string, at: Date.now() });
      },
    );
    expect(outcomes).toHaveLength(BUYERS);

    expect(outcomes.filter((outcome) => outcome.status === 201)).toHaveLength(UNITS);
    expect(outcomes.filter((outcome) => outcome.status === 409 && outcome.code === 'INSUFFICIENT_STOCK')).toHaveLength(
      BUYERS - UNITS,
    );
    expect(await audit(shop)).toMatchObject({ consistent: true, drift: [] });
  }, 120_000);

  it('expires each of those reservations exactly once, in the worker', async () => {
    expect(winners).toHaveLength(UNITS);
    const expiries = await eventually(async () => {
      const rows = await cluster.withClient('commerce', async (client) => {
        const { rows } = await client.query(
          `SELECT reservation_id, count(*)::int AS n FROM stock_movements
            WHERE reason = 'EXPIRE' AND reservation_id = ANY($1::uuid[]) GROUP BY reservation_id`,
          [winners],
        );
        return rows as { reservation_id: string; n: number }[];
      });
      if (rows.length < UNITS) throw new Error(`${rows.length} of ${UNITS} expired so far`);
      return rows;
    }, 60_000);

    expect(expiries.filter((row) => row.n !== 1)).toEqual([]);
    const stock = await call(shop, 'GET', `/api/inventory/${variantId}`, { token: shop.token('reader') });
    expect(stock.body).toMatchObject({ onHand: UNITS, reserved: 0, available: UNITS });
  }, 90_000);

  it('makes one movement of one adjustment key, and one write of one ETag, whichever instances the admins reach', async () => {
    const admins = [shop.token('clerk-a', { admin: true }), shop.token('clerk-b', { admin: true })];
    const key = randomUUID();
    const adjustments = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        call(shop, 'POST', `/api/inventory/${variantId}/adjustments`, {
          token: admins[index % 2],
          headers: { 'idempotency-key': key },
          body: { delta: 5, reason: 'RESTOCK' },
        }),
      ),
    );
    expect(adjustments.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    expect(new Set(adjustments.map((answer) => answer.body?.id)).size).toBe(1);
    expect(adjustments.filter((answer) => !answer.replayed)).toHaveLength(1);

    const read = await fetch(`${shop.url}/api/inventory/${variantId}`);
    const etag = read.headers.get('etag')!;
    expect(((await read.json()) as { onHand: number }).onHand).toBe(UNITS + 5);
    const writes = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        call(shop, 'PUT', `/api/inventory/${variantId}`, {
          token: admins[index % 2],
          headers: { 'if-match': etag },
          // Never the current count (UNITS + 5): setting that writes nothing, so it would match
          // the ETag and answer 200 whichever write came first.
          body: { onHand: UNITS + 10 + index },
        }),
      ),
    );
    expect(writes.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(writes.filter((answer) => answer.status === 412)).toHaveLength(9);
    expect(await audit(shop)).toMatchObject({ consistent: true, drift: [] });
  }, 60_000);

  it(`puts a rule written through one instance in force on every instance within ${PROPAGATION_BOUND_MS} ms`, async () => {
    const times = await ruleReachesEveryInstance('10');
    console.log(JSON.stringify({ scenario: 'rule propagation', ms: times }));
    expect(Math.max(...times)).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
  }, 60_000);

  it('counts the rate limit once for all instances', async () => {
    const token = shop.token(`limited-${randomBytes(3).toString('hex')}`);
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT_PER_MINUTE + 20; i++) {
      statuses.push((await call(shop, 'GET', '/api/products?limit=1', { token })).status);
    }

    // Spread round-robin, each instance saw half: with counters of their own, none would refuse.
    expect(statuses.filter((status) => status === 200)).toHaveLength(RATE_LIMIT_PER_MINUTE);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
  }, 60_000);

  it('keeps the bus after PostgreSQL restarts: a rule still reaches every instance', async () => {
    await cluster.restart('fast');
    await Promise.all(apis.map((api) => api.waitUntilReady(60_000)));
    await eventually(async () => {
      for (const api of apis) {
        if (!api.logs.some((line) => /invalidation listener reconnected/.test(line.msg))) {
          throw new Error('an instance has not reconnected its listener yet');
        }
      }
    }, 30_000);

    const times = await ruleReachesEveryInstance('20');
    console.log(JSON.stringify({ scenario: 'rule propagation after a PostgreSQL restart', ms: times }));
    expect(Math.max(...times)).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
  }, 120_000);

  it('takes a killed instance out: the survivors answer every request, none with a 5xx', async () => {
    const seen: Seen[] = [];
    let stopping = false;
    const load = loops(
      6,
      5_000,
      () => stopping,
      async () => {
        seen.push(
          await through(`/api/pricing/${variantId}/price?quantity=2`, shop.token(randomBytes(4).toString('hex'))),
        );
      },
    );
    await sleep(1_500);
    const killedAt = Date.now();
    await apis[1].kill('SIGKILL');
    await sleep(LoadBalancer.DETECTION_MS + 3_000);
    stopping = true;
    await load;

    const settledAt = killedAt + LoadBalancer.DETECTION_MS + 1_000;
    const afterKill = seen.filter((answer) => answer.at > settledAt);
    console.log(
      JSON.stringify({
        scenario: 'instance killed behind the balancer',
        answers: seen.length,
        balancerErrors: seen.filter((answer) => !answer.fromApp).length,
        afterDetection: afterKill.length,
      }),
    );
    expect(seen.filter((answer) => answer.fromApp && answer.status >= 500)).toEqual([]);
    // The balancer answers for the dead instance only until its checks have taken it out.
    expect(seen.filter((answer) => !answer.fromApp && answer.at > settledAt)).toEqual([]);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(afterKill.every((answer) => answer.status === 200)).toBe(true);
  }, 60_000);

  /** A variant with `units` in stock, made through the balancer. */
  async function stockedVariant(units: number): Promise<number> {
    const admin = shop.token('ops', { admin: true });
    const category = await call(shop, 'POST', '/api/products/categories', { token: admin, body: { name: 'Drop' } });
    const product = await call(shop, 'POST', '/api/products', {
      token: admin,
      body: { name: 'Sneaker', categoryId: category.body?.id, basePrice: '100.00' },
    });
    const variant = await call(shop, 'POST', '/api/products/variants', {
      token: admin,
      body: { productId: product.body?.id, sku: 'SNEAKER-42' },
    });
    const stocked = await call(shop, 'PUT', `/api/inventory/${variant.body?.id}`, {
      token: admin,
      body: { onHand: units },
    });
    if (stocked.status !== 200) throw new Error(`stocking answered ${stocked.status}`);
    return variant.body?.id as number;
  }

  /**
   * Creates a percent-off rule on the variant through the first API process, then asks
   * every API process directly until its quote shows it; returns the milliseconds each took.
   */
  async function ruleReachesEveryInstance(percentOff: string): Promise<number[]> {
    // A token per quote: polling under one would run into the rate limit.
    const quoteOn = async (api: AppProcess) => {
      const token = api.token(`pricer-${randomBytes(4).toString('hex')}`);
      const answer = await call(api, 'GET', `/api/pricing/${variantId}/price`, { token });
      if (answer.status !== 200) throw new Error(`a quote answered ${answer.status}`);
      return answer.body?.unitPrice;
    };
    const before = await Promise.all(apis.map(quoteOn));
    const written = await call(apis[0], 'POST', '/api/pricing/rules', {
      token: apis[0].token('ops', { admin: true }),
      body: {
        name: `${percentOff} % off`,
        kind: 'QUANTITY',
        scope: { type: 'VARIANT', id: variantId },
        condition: { minQuantity: 1 },
        effect: { type: 'PERCENT_OFF', value: percentOff },
        stackable: false,
        priority: Number(percentOff),
      },
    });
    expect(written.status).toBe(201);
    const committedAt = Date.now();
    return Promise.all(
      apis.map(async (api, index) => {
        await eventually(
          async () => {
            if ((await quoteOn(api)) === before[index]) throw new Error('not yet');
          },
          10_000,
          10,
        );
        return Date.now() - committedAt;
      }),
    );
  }

  /** A GET through the balancer that tells the app's answers from the balancer's own. */
  async function through(path: string, token: string): Promise<Seen> {
    try {
      const response = await fetch(`${shop.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      });
      const type = response.headers.get('content-type') ?? '';
      const body = type.includes('json') ? ((await response.json()) as { code?: string }) : (await response.text(), {});
      return { status: response.status, fromApp: type.includes('json'), code: body.code, at: Date.now() };
    } catch {
      return { status: 0, fromApp: false, at: Date.now() };
    }
  }
});
