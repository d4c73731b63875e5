import { randomUUID } from 'node:crypto';
import { AppProcess } from './support/app-process';
import { faultEnvironment, FaultEnvironment } from './support/environment';
import { eventually, sleep } from './support/processes';
import { audit, call, Endpoint, fillCart, loops, seedCatalog, strandedCarts } from './support/shop';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

/** Short enough that a reservation falls due while the app is down, long enough to check out first. */
const RESERVATION_TTL_SECONDS = 3;
const VARIANTS = 20;
const ADJUSTMENTS_PER_VARIANT = 10;
const STOCK = 100;

/** What the relays need in every process of this file: a receiver on loopback and quick retries. */
const RELAY_ENV = {
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5',
  WEBHOOK_TIMEOUT_MS: '2000',
  RESERVATION_TTL_SECONDS: String(RESERVATION_TTL_SECONDS),
  RESERVATION_SWEEP_SECONDS: '1',
};

interface Subscription {
  id: string;
  secret: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
}

/**
 * The outbox's promise, with real processes: an event exists exactly when its change
 * committed, and reaches every target however the process that wrote it ends; several
 * workers share the work without sending one delivery twice or out of order.
 */
describe('the outbox across crashes and several workers', () => {
  let f: FaultEnvironment;
  let receiver: WebhookReceiver;
  /** Processes started here beside f.app; stopped in afterAll. */
  const started: AppProcess[] = [];
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    f = await faultEnvironment(RELAY_ENV);
    receiver = await WebhookReceiver.start();
    receivers.push(receiver);
  }, 150_000);

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop().catch(() => undefined)));
    await Promise.all(receivers.map((each) => each.close().catch(() => undefined)));
    await f?.destroy();
  });

  let reservationEvents: Subscription;
  let variants: number[];

  it('delivers the reservation.created of a checkout killed with SIGKILL right after its commit', async () => {
    const { app } = f;
    reservationEvents = await subscribe(app, receiver, ['reservation.created', 'reservation.expired']);
    variants = await seedCatalog(app, 2, STOCK, 'Outbox');
    // Nothing may be delivered before the crash: every delivery must survive it.
    receiver.respondWith(() => 503);

    // One event is already being retried when the process dies, the other was just written.
    const retried = await checkout(app, 'retried-before-crash', variants[0]);
    await eventually(async () => {
      if (receiver.received.filter(created(retried)).length === 0) throw new Error('not tried yet');
    }, 10_000);
    const fresh = await checkout(app, 'killed-after-commit', variants[0]);
    await app.kill('SIGKILL');
    const triedBeforeCrash = receiver.received.filter(created(fresh)).length;

    receiver.respondWith(() => 200);
    app.start();
    await app.waitUntilReady();

    const deliveries = await eventually(async () => {
      const found = await Promise.all([retried, fresh].map((id) => deliveryOf(app, reservationEvents, id)));
      if (found.some((delivery) => delivery?.status !== 'DELIVERED')) throw new Error('not delivered yet');
      return found as Delivery[];
    }, 30_000);

    console.log(
      JSON.stringify({
        scenario: 'outbox SIGKILL after commit',
        triedBeforeCrash,
        attempts: deliveries.map((delivery) => delivery.attempts),
      }),
    );
    for (const [index, id] of [retried, fresh].entries()) {
      const requests = receiver.received.filter(created(id));
      expect(requests.filter(isAccepted)).toHaveLength(1);
      expect(requests.every((request) => request.headers['webhook-id'] === deliveries[index].eventId)).toBe(true);
      expect(deliveries[index]).toMatchObject({ eventType: 'reservation.created', lastStatusCode: 200 });
      // Each request was a counted attempt; a send the crash cut short counts too.
      expect(deliveries[index].attempts).toBeGreaterThanOrEqual(requests.length);
    }
    expect(deliveries[0].attempts).toBeGreaterThanOrEqual(2);
    expect(() => receiver.verified(reservationEvents.secret)).not.toThrow();
    expect(await audit(app)).toMatchObject({ consistent: true, drift: [] });
  }, 120_000);

  it('gives a cart back when its reservation fell due while the app was down, through the outbox consumer', async () => {
    const { app, cluster } = f;
    const customer = 'expired-while-down';
    const token = app.token(customer);
    await fillCart(app, token, variants[1], 3);
    const answer = await call(app, 'POST', '/api/cart/checkout', { token });
    expect(answer.status).toBe(201);
    const reservationId = answer.body?.id as string;
    await app.kill('SIGKILL');

    const dueInMs = new Date(answer.body?.expiresAt as string).getTime() - Date.now();
    await sleep(Math.max(0, Math.min(dueInMs, RESERVATION_TTL_SECONDS * 1000)) + 1_000);
    // Due, but nobody was there to expire it: only the restarted app can.
    expect(await reservationStatus(reservationId)).toBe('ACTIVE');

    app.start();
    await app.waitUntilReady();

    await eventually(async () => {
      expect(await consumerDeliveryStatus(reservationId)).toBe('DELIVERED');
    }, 30_000);
    // Read before any cart route runs: those repair the caller's cart themselves.
    const [cart] = await query<{ status: string; reservation_id: string | null }>(
      `SELECT status, reservation_id FROM carts WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [customer],
    );
    expect(cart).toEqual({ status: 'ACTIVE', reservation_id: null });

    const back = await call(app, 'GET', '/api/cart', { token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'ACTIVE', items: [{ variantId: variants[1], quantity: 3 }] });
    // The first test's carts too: their reservations expired after that restart.
    await eventually(async () => expect(await strandedCarts(cluster)).toEqual([]), 10_000);
    await eventually(async () => {
      expect(receiver.accepted().filter(ofReservation(reservationId, 'reservation.expired'))).toHaveLength(1);
    }, 10_000);
    expect(() => receiver.verified(reservationEvents.secret)).not.toThrow();
    expect(await audit(app)).toMatchObject({ consistent: true, drift: [], stuck: [] });
  }, 120_000);

  it('has two workers deliver each event exactly once between them, in commit order per variant', async () => {
    // The processes of a larger shop on the same database: the all-in-one one makes way.
    await f.app.stop();
    const shared = { DATABASE_URL: f.cluster.url(), REDIS_URL: f.redis.url, QUEUE_PREFIX: 'faults', ...RELAY_ENV };
    const api = await AppProcess.create({ ...shared, APP_ROLE: 'api' });
    started.push(api);
    api.start();
    await api.waitUntilReady();
    const workers = await Promise.all(
      [1, 2].map(() => AppProcess.create({ ...shared, APP_ROLE: 'worker', MIGRATIONS_RUN: 'false' })),
    );
    started.push(...workers);
    workers.forEach((worker) => worker.start());
    await Promise.all(workers.map((worker) => worker.waitUntilReady(150_000)));

    const stocked = await seedCatalog(api, VARIANTS, STOCK, 'Relay');
    // The stocking's events must be fanned out before the subscription exists, so that it gets the adjustments' alone.
    await eventually(async () => {
      const [{ n }] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox_events WHERE dispatched_at IS NULL`,
      );
      if (n > 0) throw new Error(`${n} events not dispatched yet`);
    }, 20_000);
    const stockReceiver = await WebhookReceiver.start();
    receivers.push(stockReceiver);
    const subscription = await subscribe(api, stockReceiver, ['stock.changed']);

    const admin = api.token('ops', { admin: true });
    const total = VARIANTS * ADJUSTMENTS_PER_VARIANT;
    const statuses: number[] = [];
    let next = 0;
    await loops(
      20,
      total,
      () => next >= total,
      async () => {
        const variantId = stocked[next++ % VARIANTS];
        const answer = await call(api, 'POST', `/api/inventory/${variantId}/adjustments`, {
          token: admin,
          headers: { 'idempotency-key': randomUUID() },
          body: { delta: 1, reason: 'RESTOCK', note: 'outbox fault' },
        });
        statuses.push(answer.status);
      },
    );
    expect(statuses).toEqual(Array(total).fill(201));

    await eventually(async () => {
      const [counts] = await query<{ all: number; delivered: number }>(
        `SELECT count(*)::int AS all, count(*) FILTER (WHERE status = 'DELIVERED')::int AS delivered
           FROM event_deliveries WHERE subscription_id = $1`,
        [subscription.id],
      );
      expect(counts).toEqual({ all: total, delivered: total });
      expect(stockReceiver.accepted()).toHaveLength(total);
    }, 60_000);
    // A second send of a delivery would come after it was recorded: give one the time to arrive.
    await sleep(1_500);

    const requests = stockReceiver.verified(subscription.secret);
    expect(requests).toHaveLength(total);
    const ids = requests.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(total);
    const route = await call(api, 'GET', `/api/webhooks/${subscription.id}/deliveries?status=DELIVERED&limit=1`, {
      token: admin,
    });
    expect(route.body).toMatchObject({ total });

    // Each variant's figures as they arrived: every adjustment once, in the order they committed.
    for (const variantId of stocked) {
      const onHands = requests
        .filter((request) => request.event.data.variantId === variantId)
        .map((request) => request.event.data.onHand);
      expect({ variantId, onHands }).toEqual({
        variantId,
        onHands: Array.from({ length: ADJUSTMENTS_PER_VARIANT }, (_, index) => STOCK + index + 1),
      });
    }
    expect(await audit(api)).toMatchObject({ consistent: true, drift: [] });
  }, 240_000);

  async function subscribe(app: Endpoint, to: WebhookReceiver, events: string[]): Promise<Subscription> {
    const answer = await call(app, 'POST', '/api/webhooks', {
      token: app.token('ops', { admin: true }),
      body: { url: to.url, events },
    });
    expect(answer.status).toBe(201);
    expect(answer.body?.secret).toMatch(/^whsec_/);
    return answer.body as unknown as Subscription;
  }

  /** Fills a cart of the customer's and checks it out; returns the reservation's id. */
  async function checkout(app: AppProcess, customer: string, variantId: number): Promise<string> {
    const token = app.token(customer);
    await fillCart(app, token, variantId, 2);
    const answer = await call(app, 'POST', '/api/cart/checkout', { token });
    expect(answer.status).toBe(201);
    return answer.body?.id as string;
  }

  /** The subscription's delivery of the reservation's reservation.created, through the admin route. */
  async function deliveryOf(app: Endpoint, subscription: Subscription, reservationId: string) {
    const [row] = await query<{ id: string }>(
      `SELECT id::text FROM outbox_events WHERE type = 'reservation.created' AND payload->>'reservationId' = $1`,
      [reservationId],
    );
    if (!row) throw new Error(`no reservation.created for ${reservationId}`);
    const answer = await call(app, 'GET', `/api/webhooks/${subscription.id}/deliveries?limit=100`, {
      token: app.token('ops', { admin: true }),
    });
    if (answer.status !== 200) throw new Error(`the deliveries route answered ${answer.status}`);
    return (answer.body?.items as Delivery[]).find((delivery) => delivery.eventId === row.id);
  }

  async function consumerDeliveryStatus(reservationId: string): Promise<string | undefined> {
    const [row] = await query<{ status: string }>(
      `SELECT d.status FROM event_deliveries d JOIN outbox_events e ON e.seq = d.event_seq
        WHERE d.target = 'cart.reactivation' AND e.type = 'reservation.expired'
          AND e.payload->>'reservationId' = $1`,
      [reservationId],
    );
    return row?.status;
  }

  async function reservationStatus(id: string): Promise<string | undefined> {
    const [row] = await query<{ status: string }>(`SELECT status FROM reservations WHERE id = $1`, [id]);
    return row?.status;
  }

  function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return f.cluster.withClient('commerce', async (client) => (await client.query(sql, params)).rows as T[]);
  }
});

const isAccepted = (request: ReceivedWebhook) => request.answeredWith >= 200 && request.answeredWith < 300;

const ofReservation = (id: string, type: string) => (request: ReceivedWebhook) =>
  request.event.type === type && request.event.data.reservationId === id;

const created = (id: string) => ofReservation(id, 'reservation.created');
