import { AddressInfo, createServer } from 'node:net';
import { expectProblem } from '../support/problem';
import { startTestApp, TestApp, unique } from '../support/test-app';

/**
 * An app with rate limiting on and counters of its own in Redis (under the run's prefix),
 * so tests running at the same time from the same address never share a budget. Apps
 * started with the same `keyPrefix` share their counters, as instances behind a load
 * balancer do.
 */
function startLimitedApp(settings: Record<string, string>, keyPrefix = unique('limits')): Promise<TestApp> {
  return startTestApp({
    RATE_LIMIT_KEY_PREFIX: `${process.env.RATE_LIMIT_KEY_PREFIX}:${keyPrefix}`,
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_CART_PER_MINUTE: '0',
    ...settings,
  });
}

/** A TCP port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Rate limits', () => {
  const apps: TestApp[] = [];
  const start = async (settings: Record<string, string>, keyPrefix?: string) => {
    const app = await startLimitedApp(settings, keyPrefix);
    apps.push(app);
    return app;
  };

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('counts a client over all routes and answers 429 with Retry-After and the RateLimit headers', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '4' });
    await t.http.get('/api/products').expect(200);
    await t.http.get('/api/products/categories').expect(200);
    await t.http.get('/api/products').expect(200);
    const last = await t.http.get('/api/pricing/2147483647/price');

    const refused = await t.http.get('/api/products/categories');

    expect(last.status).toBe(404);
    expect(last.headers['ratelimit-remaining']).toBe('0');
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-limit']).toBe('4');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('counts unknown routes and bodies that fail to parse', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '3' });
    await t.http.get('/api/no-such-route').expect(404);
    await t.http.get('/nowhere/at/all').expect(404);
    await t.http
      .post('/api/pricing/quotes')
      .set('content-type', 'application/json')
      .send('{"items": [unterminated')
      .expect(400);

    const refused = await t.http.get('/api/products');

    expectProblem(refused, 429, 'RATE_LIMITED');
  });

  it('refuses a request over the limit before reading its body', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '1' });
    await t.http.get('/api/products').expect(200);

    const refused = await t.http.post('/api/pricing/quotes').set('content-type', 'application/json').send('{not json');

    expectProblem(refused, 429, 'RATE_LIMITED');
  });

  it('shares the counts of one client between two instances', async () => {
    const keyPrefix = unique('shared');
    const first = await start({ RATE_LIMIT_PER_MINUTE: '4' }, keyPrefix);
    const second = await start({ RATE_LIMIT_PER_MINUTE: '4' }, keyPrefix);
    await first.http.get('/api/products').expect(200);
    await second.http.get('/api/products').expect(200);
    await first.http.get('/api/products/categories').expect(200);
    await second.http.get('/api/products/categories').expect(200);

    const [onFirst, onSecond] = [await first.http.get('/api/products'), await second.http.get('/api/products')];

    expectProblem(onFirst, 429, 'RATE_LIMITED');
    expectProblem(onSecond, 429, 'RATE_LIMITED');
  });

  it('counts an authenticated client by the subject of its token, not its address', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '2' });
    const alice = t.customer(unique('alice'));
    await t.http.get('/api/cart').set('authorization', alice).expect(200);
    await t.http.get('/api/products').set('authorization', alice).expect(200);

    const aliceAgain = await t.http.get('/api/cart').set('authorization', alice);
    const bob = await t.http.get('/api/cart').set('authorization', t.customer(unique('bob')));
    const anonymous = await t.http.get('/api/products');

    expectProblem(aliceAgain, 429, 'RATE_LIMITED');
    expect(bob.status).toBe(200);
    expect(anonymous.status).toBe(200);
  });

  it('counts a client with a badly signed token by its address', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '2' });
    const forged = (sub: string) =>
      `Bearer ${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(`{"sub":"${sub}"}`).toString('base64url')}.x`;
    await t.http.get('/api/products').set('authorization', forged('a')).expect(200);
    await t.http.get('/api/products').set('authorization', forged('b')).expect(200);

    const refused = await t.http.get('/api/products').set('authorization', forged('c'));

    expectProblem(refused, 429, 'RATE_LIMITED');
  });

  it('counts each forwarded address apart when the proxy is trusted', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'true' });
    await t.http.get('/api/products').set('x-forwarded-for', '203.0.113.7').expect(200);

    const sameClient = await t.http.get('/api/products').set('x-forwarded-for', '203.0.113.7');
    const otherClient = await t.http.get('/api/products').set('x-forwarded-for', '198.51.100.9');

    expectProblem(sameClient, 429, 'RATE_LIMITED');
    expect(otherClient.status).toBe(200);
  });

  it('never refuses the health probes', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '1' });
    await t.http.get('/api/products').expect(200);

    const probes = await Promise.all(Array.from({ length: 5 }, () => t.http.get('/health')));

    expect(probes.map((probe) => probe.status)).toEqual([200, 200, 200, 200, 200]);
    expectProblem(await t.http.get('/api/products'), 429, 'RATE_LIMITED');
  });

  it('limits adding to the cart and checking out more strictly, per route', async () => {
    const t = await start({ RATE_LIMIT_PER_MINUTE: '100', RATE_LIMIT_CART_PER_MINUTE: '2' });
    const customer = t.customer(unique('shopper'));
    const add = () =>
      t.http.post('/api/cart/items').set('authorization', customer).send({ variantId: 2147483647, quantity: 1 });
    await add().expect(404);
    await add().expect(404);

    const refused = await add();
    const checkout = await t.http.post('/api/cart/checkout').set('authorization', customer);
    const read = await t.http.get('/api/cart').set('authorization', customer);

    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(refused.headers['ratelimit-limit']).toBe('2');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(checkout, 409, 'CART_EMPTY');
    expect(read.status).toBe(200);
  });

  describe('when Redis does not answer', () => {
    // The queues keep the live Redis: only the limiter's is gone.
    it('serves requests when nothing listens at the Redis address', async () => {
      const t = await start({
        RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
        RATE_LIMIT_PER_MINUTE: '1',
        RATE_LIMIT_CART_PER_MINUTE: '1',
      });
      const customer = t.customer(unique('offline'));

      const answers = await Promise.all([
        t.http.get('/api/products'),
        t.http.get('/api/products'),
        t.http.get('/api/products/categories'),
        t.http.post('/api/cart/items').set('authorization', customer).send({ variantId: 2147483647, quantity: 1 }),
        t.http.post('/api/cart/items').set('authorization', customer).send({ variantId: 2147483647, quantity: 1 }),
      ]);

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 404, 404]);
    });
  });
});
