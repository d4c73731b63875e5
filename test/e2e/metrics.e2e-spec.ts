import { createServer } from 'node:net';
import { MetricsServer } from '../../src/ops/metrics.server';
import { addItem, checkout } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { newStockedVariant } from '../support/inventory.factory';
import { eventually } from '../support/wait';
import { startIsolatedTestApp } from '../support/test-app';
import { parseMetrics, scrape, valueOf } from '../support/metrics';
import { expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

const SERIES = [
  'http_request_duration_seconds',
  'commerce_checkouts_total',
  'commerce_reservations_active',
  'commerce_reservation_expiry_lag_seconds',
  'commerce_queue_jobs',
  'commerce_db_pool_connections_in_use',
  'commerce_db_pool_waiting_requests',
  'commerce_catalog_cache_entries',
  'commerce_catalog_cache_lookups',
  'commerce_rate_limited_requests_total',
  'commerce_outbox_backlog',
  'process_cpu_user_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A one-second hold and a queue of its own, so an expiry comes within the test; a
    // database of its own, so the sweep expires only this test's reservations and the
    // gauges count only them.
    t = await startIsolatedTestApp('metrics', {
      RESERVATION_TTL_SECONDS: '1',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:metrics`,
    });
  });

  afterAll(() => t?.close());

  it('answers Prometheus text with every series, without a token', async () => {
    const response = await t.http.get('/metrics').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // Declared even before their first sample (a counter by label has none until it counts).
    const declared = [...response.text.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name);
    expect(declared).toEqual(expect.arrayContaining(SERIES));
  });

  it('moves the checkout, reservation, queue, duration and expiry series after a checkout', async () => {
    const variant = await newStockedVariant(t, { onHand: 5 });
    const customer = newCustomer(t);
    await addItem(t, customer, variant.id, 2).expect(201);
    const route = { method: 'POST', route: '/api/cart/checkout', status_code: '201' };
    const before = await scrape(t);

    await checkout(t, customer).expect(201);
    await checkout(t, newCustomer(t)).expect(409);
    const after = await scrape(t);

    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('commerce_checkouts_total', { outcome: 'CREATED' })).toBe(1);
    expect(delta('commerce_checkouts_total', { outcome: 'CART_EMPTY' })).toBe(1);
    expect(delta('commerce_reservations_active')).toBe(1);
    expect(delta('http_request_duration_seconds_count', route)).toBe(1);
    expect(valueOf(after, 'commerce_queue_jobs', { queue: 'reservations', state: 'delayed' })).toBeGreaterThan(0);

    await eventually(async () => {
      const expired = await scrape(t);
      expect(valueOf(expired, 'commerce_reservation_expiry_lag_seconds_count')).toBe(
        valueOf(before, 'commerce_reservation_expiry_lag_seconds_count') + 1,
      );
      expect(valueOf(expired, 'commerce_reservations_active')).toBe(valueOf(before, 'commerce_reservations_active'));
    });
  });

  it('shows the outbox backlog by kind: a delivery that failed for good counts as failed', async () => {
    const [{ seq }]: { seq: string }[] = await t.dataSource.query(
      `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, dispatched_at)
       VALUES (gen_random_uuid(), 'stock.changed', 'stock', '0', '{}', now()) RETURNING seq`,
    );
    await t.dataSource.query(
      `INSERT INTO event_deliveries (id, event_seq, target, aggregate_key, status, attempts)
       VALUES (gen_random_uuid(), $1, 'metrics-test', 'stock:0', 'FAILED', 8)`,
      [seq],
    );

    const samples = parseMetrics((await t.http.get('/metrics').expect(200)).text);

    expect(valueOf(samples, 'commerce_outbox_backlog', { kind: 'failed' })).toBe(1);
    const kinds = samples
      .filter((sample) => sample.name === 'commerce_outbox_backlog')
      .map((sample) => sample.labels.kind);
    expect(kinds.sort()).toEqual(['failed', 'pending', 'undispatched']);
  });

  it('labels unrouted paths as one route, not one series per path', async () => {
    await t.http.get('/api/no-such-route-a').expect(404);
    await t.http.get('/api/no-such-route-b').expect(404);
    const samples = await scrape(t);

    const routes = samples.filter((sample) => sample.name === 'http_request_duration_seconds_count');
    expect(routes.some((sample) => sample.labels.route.includes('no-such-route'))).toBe(false);
    expect(valueOf(samples, 'http_request_duration_seconds_count', { route: 'unmatched' })).toBeGreaterThanOrEqual(2);
  });
});

describe('GET /metrics under a rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '2' });
  });

  afterAll(() => t?.close());

  it('counts refused requests and is never refused itself', async () => {
    const before = await scrape(t);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.http.get('/api/products/categories')).status);
    for (let i = 0; i < 5; i++) await t.http.get('/metrics').expect(200);
    const after = await scrape(t);

    expect(statuses).toEqual([200, 200, 429]);
    const route = { route: '/api/products/categories' };
    expect(
      valueOf(after, 'commerce_rate_limited_requests_total', route) -
        valueOf(before, 'commerce_rate_limited_requests_total', route),
    ).toBe(1);
  });
});

describe('METRICS_PORT', () => {
  it('moves /metrics off the API port onto its own', async () => {
    const port = await freePort();
    const t = await startTestApp({ METRICS_PORT: String(port) });
    try {
      await t.app.get(MetricsServer).listen(port, '127.0.0.1');

      expectProblem(await t.http.get('/metrics'), 404, 'NOT_FOUND');
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(parseMetrics(await response.text()).map((sample) => sample.name)).toContain('commerce_queue_jobs');
      expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    } finally {
      await t.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
