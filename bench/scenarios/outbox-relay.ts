import { setTimeout as sleep } from 'node:timers/promises';
// The bus's own names, as the app's writers use them: a rename breaks the build, not the wake-ups.
import { OUTBOX_TOPIC } from '../../src/outbox/relay-wakeups';
import { INVALIDATION_CHANNEL } from '../../src/shared/bus';
import { ReceivedWebhook, WebhookReceiver } from '../../test/support/webhook-receiver';
import { BenchContext, ScenarioResult } from '../lib/context';
import { percentile, round } from '../lib/stats';

const EVENT_TYPE = 'stock.changed';
/** Events per publishing transaction, as a busy writer (a bulk restock) commits them. */
const EVENTS_PER_COMMIT = 100;
/** Aggregates the events are spread over: the relay sends one aggregate's events one at a time, in order. */
const AGGREGATES = 500;
const POLL_MS = 50;
/** The steady phase: a shop's normal write rate, in small commits. */
const PACED_PER_SECOND = 200;
const PACED_PER_COMMIT = 10;
/** How long earlier scenarios' events may take to drain before this one starts, so it measures its own alone. */
const QUIET_TIMEOUT_MS = 120_000;
/** How long the relay may take to record the last deliveries after the receiver has answered them. */
const SETTLE_TIMEOUT_MS = 15_000;

interface Published {
  seq: number;
  aggregateId: string;
}

/**
 * `outbox-relay`: `--outbox-events` (10,000) `stock.changed` events committed in a burst
 * straight into the outbox (100 a transaction, over 500 aggregates, each transaction
 * waking the relays as the app's writers do) are delivered by the app's relay as signed
 * webhooks to a receiver in the bench process; reports events per second (from the first
 * commit to the last delivery), the lag from commit to delivery, and checks that each
 * event arrived exactly once, in order per aggregate, with a valid signature. A burst's
 * lag is mostly its queue; a second, paced phase (a fifth as many events at 200 per
 * second) gives the lag of normal running.
 */
export async function outboxRelayScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const wanted = ctx.options.outboxEvents;
  const backlogAtStart = await waitForQuiet(ctx);
  const receiver = await WebhookReceiver.start();
  let subscriptionId: string | undefined;
  try {
    const subscription = (await ctx.adminCall(
      'POST',
      '/api/webhooks',
      { url: receiver.url, events: [EVENT_TYPE], description: 'bench outbox-relay' },
      201,
    )) as { id: string; secret: string };
    subscriptionId = subscription.id;

    const cpuBefore = ctx.app.cpuMs();
    const publishStart = Date.now();
    const published = await publish(ctx, wanted);
    const publishMs = Date.now() - publishStart;

    const deadline = Date.now() + ctx.options.outboxTimeoutSeconds * 1000;
    let arrived = distinctArrived(receiver.accepted(), published);
    while (arrived < wanted && Date.now() < deadline) {
      await sleep(POLL_MS);
      arrived = distinctArrived(receiver.accepted(), published);
    }
    const appCpuMs = ctx.app.cpuMs() - cpuBefore;
    if (arrived < wanted) {
      const backlog = await outboxBacklog(ctx);
      const elapsedSeconds = (Date.now() - publishStart) / 1000;
      throw new Error(
        `outbox-relay: ${wanted - arrived} of ${wanted} events not delivered within ` +
          `${ctx.options.outboxTimeoutSeconds} s (${arrived} delivered, ${round(arrived / elapsedSeconds)} per s; ` +
          `${receiver.received.length} requests received; ` +
          `outbox: ${backlog.undispatched} undispatched, ${backlog.pending} deliveries pending)`,
      );
    }

    const ours = receiver.accepted().filter((request) => published.has(request.headers['webhook-id']));
    const firstArrivals = new Map<string, ReceivedWebhook>();
    for (const request of ours) {
      if (!firstArrivals.has(request.headers['webhook-id'])) firstArrivals.set(request.headers['webhook-id'], request);
    }
    const lastDelivery = Math.max(...[...firstArrivals.values()].map((request) => request.receivedAt));
    // The body's timestamp is the event's occurred_at, taken just before its commit by PostgreSQL on this machine's clock.
    const lags = [...firstArrivals.values()].map((request) => request.receivedAt - Date.parse(request.event.timestamp));
    const seconds = (lastDelivery - publishStart) / 1000;
    const duplicates = ours.length - firstArrivals.size;
    const outOfOrder = outOfOrderArrivals(ours, published);
    const otherRequests = receiver.received.length - ours.length;
    // Throws on the first request whose signature does not verify: that is a broken relay, not a slow one.
    receiver.verified(subscription.secret);
    const deliveries = await settledDeliveries(ctx, subscription.id, published);
    const paced = await pacedLags(ctx, receiver);
    return {
      throughput: wanted / seconds,
      p50Ms: round(percentile(lags, 50)),
      p99Ms: round(percentile(lags, 99)),
      errors: duplicates + outOfOrder + deliveries.notDelivered,
      appCpuMsPerRequest: round(appCpuMs / wanted, 2),
      events: wanted,
      eventsPerCommit: EVENTS_PER_COMMIT,
      aggregates: Math.min(AGGREGATES, wanted),
      publishSeconds: round(publishMs / 1000, 2),
      seconds: round(seconds, 2),
      maxLagMs: round(Math.max(...lags)),
      duplicates,
      outOfOrder,
      // A request the bench did not publish: an earlier scenario's event, dispatched after the subscription existed.
      otherRequests,
      // From the leases: when each send was claimed and when its answer was recorded.
      peakInFlight: deliveries.peakInFlight,
      retriedDeliveries: deliveries.retried,
      notDelivered: deliveries.notDelivered,
      backlogAtStart,
      // The lag a shop sees in normal running: events committed at a steady rate, not in a burst.
      pacedEvents: paced.events,
      pacedPerSecond: PACED_PER_SECOND,
      pacedP50Ms: round(percentile(paced.lags, 50)),
      pacedP99Ms: round(percentile(paced.lags, 99)),
    };
  } finally {
    // Later scenarios' events would otherwise go on being sent to a receiver that is gone.
    if (subscriptionId) {
      await ctx
        .adminCall('DELETE', `/api/webhooks/${subscriptionId}`, undefined, 204)
        .catch((error: unknown) => console.error(`outbox-relay: could not delete its subscription: ${String(error)}`));
    }
    await receiver.close();
  }
}

/**
 * Commits the events back to back from one connection, so seq order is commit order within
 * every aggregate, as the app's writers (which lock the aggregate's row) guarantee.
 */
async function publish(
  ctx: BenchContext,
  count: number,
  { perCommit = EVENTS_PER_COMMIT, perSecond }: { perCommit?: number; perSecond?: number } = {},
): Promise<Map<string, Published>> {
  const published = new Map<string, Published>();
  const client = await ctx.db.connect();
  const start = Date.now();
  try {
    for (let first = 0; first < count; first += perCommit) {
      // Paced: the commit of event `first` is due `first / perSecond` seconds after the start.
      if (perSecond) await sleep(Math.max(0, start + (first / perSecond) * 1000 - Date.now()));
      const size = Math.min(perCommit, count - first);
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; seq: string; aggregate_id: string }>(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload)
         SELECT gen_random_uuid(), $1, 'stock', variant::text,
                jsonb_build_object('variantId', variant, 'onHand', 100, 'reserved', 0, 'available', 100,
                                   'state', 'IN_STOCK', 'cause', 'RESTOCK')
           FROM (SELECT (n % $4) + 1 AS variant FROM generate_series($2::int, $3::int) n) events
         RETURNING id, seq, aggregate_id`,
        [EVENT_TYPE, first, first + size - 1, AGGREGATES],
      );
      await client.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, JSON.stringify(OUTBOX_TOPIC)]);
      await client.query('COMMIT');
      for (const row of rows) published.set(row.id, { seq: Number(row.seq), aggregateId: row.aggregate_id });
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return published;
}

/**
 * Commits `PACED_EVENTS` (a fifth of the burst) at `PACED_PER_SECOND`, 10 a transaction,
 * once the burst is delivered, and returns each one's lag from commit to delivery.
 */
async function pacedLags(ctx: BenchContext, receiver: WebhookReceiver): Promise<{ events: number; lags: number[] }> {
  const events = Math.max(PACED_PER_COMMIT, Math.round(ctx.options.outboxEvents / 5));
  const published = await publish(ctx, events, { perCommit: PACED_PER_COMMIT, perSecond: PACED_PER_SECOND });
  const deadline = Date.now() + ctx.options.outboxTimeoutSeconds * 1000;
  while (distinctArrived(receiver.accepted(), published) < events && Date.now() < deadline) await sleep(POLL_MS);
  const firstArrivals = new Map<string, ReceivedWebhook>();
  for (const request of receiver.accepted()) {
    const id = request.headers['webhook-id'];
    if (published.has(id) && !firstArrivals.has(id)) firstArrivals.set(id, request);
  }
  if (firstArrivals.size < events)
    throw new Error(`outbox-relay: ${events - firstArrivals.size} paced events not delivered`);
  return {
    events,
    lags: [...firstArrivals.values()].map((request) => request.receivedAt - Date.parse(request.event.timestamp)),
  };
}

function distinctArrived(accepted: ReceivedWebhook[], published: Map<string, Published>): number {
  const ids = new Set<string>();
  for (const request of accepted)
    if (published.has(request.headers['webhook-id'])) ids.add(request.headers['webhook-id']);
  return ids.size;
}

/** Requests that arrived after a later event of the same aggregate had. */
function outOfOrderArrivals(received: ReceivedWebhook[], published: Map<string, Published>): number {
  const lastSeq = new Map<string, number>();
  let late = 0;
  for (const request of received) {
    const event = published.get(request.headers['webhook-id'])!;
    const previous = lastSeq.get(event.aggregateId) ?? -1;
    if (event.seq < previous) late++;
    else lastSeq.set(event.aggregateId, event.seq);
  }
  return late;
}

/** Waits until earlier scenarios' events are delivered (bounded); returns what was left of them. */
async function waitForQuiet(ctx: BenchContext): Promise<number> {
  const deadline = Date.now() + QUIET_TIMEOUT_MS;
  let left = await backlogTotal(ctx);
  while (left > 0 && Date.now() < deadline) {
    await sleep(250);
    left = await backlogTotal(ctx);
  }
  return left;
}

async function backlogTotal(ctx: BenchContext): Promise<number> {
  const backlog = await outboxBacklog(ctx);
  return backlog.undispatched + backlog.duePending;
}

async function outboxBacklog(
  ctx: BenchContext,
): Promise<{ undispatched: number; pending: number; duePending: number }> {
  // Deliveries failing towards a later retry are not work the relay would do during the run.
  const { rows } = await ctx.db.query<{ undispatched: number; pending: number; due_pending: number }>(
    `SELECT (SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL)::int AS undispatched,
            (SELECT count(*) FROM event_deliveries WHERE status = 'PENDING')::int AS pending,
            (SELECT count(*) FROM event_deliveries
              WHERE status = 'PENDING' AND next_attempt_at < now() + interval '30 seconds')::int AS due_pending`,
  );
  return { undispatched: rows[0].undispatched, pending: rows[0].pending, duePending: rows[0].due_pending };
}

/**
 * The subscription's deliveries once the relay has recorded them: a delivery attempted more
 * than once was sent again (its lease ran out, or an answer was not recorded).
 */
async function settledDeliveries(
  ctx: BenchContext,
  subscriptionId: string,
  published: Map<string, Published>,
): Promise<{ retried: number; notDelivered: number; peakInFlight: number }> {
  const seqs = [...published.values()].map((event) => event.seq);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const { rows } = await ctx.db.query<{ delivered: number; retried: number; peak: number }>(
      `WITH ours AS (
         SELECT * FROM event_deliveries WHERE subscription_id = $1 AND event_seq = ANY ($2::bigint[])
       ),
       edges AS (
         SELECT last_attempt_at AS at, 1 AS step FROM ours WHERE delivered_at IS NOT NULL
         UNION ALL
         SELECT delivered_at, -1 FROM ours WHERE delivered_at IS NOT NULL
       )
       SELECT (SELECT count(*) FILTER (WHERE status = 'DELIVERED') FROM ours)::int AS delivered,
              (SELECT count(*) FILTER (WHERE attempts > 1) FROM ours)::int AS retried,
              -- Ends sort before starts at the same instant: a send recorded as another is leased did not overlap it.
              (SELECT COALESCE(max(running), 0) FROM (
                 SELECT sum(step) OVER (ORDER BY at, step ROWS UNBOUNDED PRECEDING) AS running FROM edges
               ) steps)::int AS peak`,
      [subscriptionId, seqs],
    );
    const { delivered, retried, peak } = rows[0];
    if (delivered === seqs.length || Date.now() >= deadline) {
      return { retried, notDelivered: seqs.length - delivered, peakInFlight: peak };
    }
    await sleep(POLL_MS);
  }
}
