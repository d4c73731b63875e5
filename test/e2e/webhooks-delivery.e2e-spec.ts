import { APP_EVENTS } from '../../src/app.events';
import { newProduct } from '../support/catalog.factory';
import { newCustomer } from '../support/customer.factory';
import { line, makeOverdue, newStockedVariant, reservationRequests, reserve } from '../support/inventory.factory';
import { createRule, ruleBody } from '../support/pricing.factory';
import { ReservationsService } from '../../src/inventory/reservations/reservations.service';
import { expectProblem } from '../support/problem';
import { startIsolatedTestApp, TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

const ALL_EVENTS: string[] = APP_EVENTS.types;

/** Webhook deliveries end to end: the real app, its relay, and a real HTTP receiver on loopback. */
describe('webhook deliveries', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startIsolatedTestApp('webhooks', {
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2',
      WEBHOOK_TIMEOUT_MS: '1000',
      RESERVATION_SWEEP_SECONDS: '3600',
    });
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  async function subscribe(url: string, events: string[] = ALL_EVENTS): Promise<{ id: string; secret: string }> {
    const response = await t.http.post('/api/webhooks').set('authorization', t.admin).send({ url, events });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function unsubscribe(id: string): Promise<void> {
    await t.http.delete(`/api/webhooks/${id}`).set('authorization', t.admin).expect(204);
  }

  const ofReservation = (id: string) => (request: ReceivedWebhook) => request.event.data.reservationId === id;
  const ofVariant = (id: number) => (request: ReceivedWebhook) => request.event.data.variantId === id;

  it('delivers every event type once per change, signed, and in order per reservation', async () => {
    const subscription = await subscribe(receiver.url);
    const owner = newCustomer(t);

    // catalog.variant_changed, then stock.changed for the count.
    const variant = await t.http
      .post('/api/products/variants')
      .set('authorization', t.admin)
      .send({ productId: await newProduct(t), sku: `WH-${Date.now()}` });
    expect(variant.status).toBe(201);
    const variantId: number = variant.body.id;
    await t.http.put(`/api/inventory/${variantId}`).set('authorization', t.admin).send({ onHand: 10 }).expect(200);
    const stocked = { id: variantId, sku: variant.body.sku };

    // A reservation that is extended and confirmed; one cancelled; one that expires.
    const { cancel, confirm } = reservationRequests(() => t);
    const kept = await reserve(t, owner.sub, [line(stocked, 6)]); // 4 left: stock.low
    await t.http
      .post(`/api/reservations/${kept.id}/extend`)
      .set('authorization', owner.auth)
      .send({ seconds: 600 })
      .expect(200);
    await confirm(kept.id).expect(200);
    const cancelled = await reserve(t, owner.sub, [line(stocked, 4)]); // takes the last units: stock.out
    await cancel(cancelled.id, owner.auth).expect(200); // back_in_stock
    const expired = await reserve(t, owner.sub, [line(stocked, 1)]);
    await makeOverdue(t, expired.id);
    await t.get(ReservationsService).expire(expired.id);

    // price.rules_changed: created, updated, deleted.
    const rule = await createRule(t, ruleBody({ type: 'VARIANT', id: variantId }));
    await t.http
      .patch(`/api/pricing/rules/${rule.id}`)
      .set('authorization', t.admin)
      .send({ active: false })
      .expect(200);
    await t.http.delete(`/api/pricing/rules/${rule.id}`).set('authorization', t.admin).expect(204);

    await eventually(async () => {
      const types = new Set(receiver.received.map((request) => request.event.type));
      expect([...types].sort()).toEqual([...ALL_EVENTS].sort());
      expect(receiver.received.filter(ofReservation(expired.id)).map((request) => request.event.type)).toContain(
        'reservation.expired',
      );
      expect(receiver.received.filter((request) => request.event.type === 'price.rules_changed')).toHaveLength(3);
      // The stock's events go one after another, so its last ones may come after every type was seen.
      expect(receiver.received.filter(ofVariant(variantId))).toHaveLength(12);
    }, 15_000);

    const verified = receiver.verified(subscription.secret);
    // Once per change: no event id twice.
    const ids = verified.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.received.filter(ofReservation(kept.id)).map((request) => request.event.type)).toEqual([
      'reservation.created',
      'reservation.extended',
      'reservation.confirmed',
    ]);
    expect(receiver.received.filter(ofReservation(cancelled.id)).map((request) => request.event.type)).toEqual([
      'reservation.created',
      'reservation.cancelled',
    ]);
    expect(receiver.received.filter(ofReservation(expired.id)).map((request) => request.event.type)).toEqual([
      'reservation.created',
      'reservation.expired',
    ]);
    const variantEvents = receiver.received.filter(ofVariant(variantId)).map((request) => request.event.type);
    // The variant and its stock are two aggregates: each is in order, not the one against the other.
    expect(variantEvents.filter((type) => type.startsWith('catalog.'))).toEqual(['catalog.variant_changed']);
    expect(variantEvents.filter((type) => type.startsWith('stock.'))).toEqual([
      'stock.changed', // set 10
      'stock.back_in_stock', // a variant never stocked counts as out of stock
      'stock.changed', // reserve 6
      'stock.low',
      'stock.changed', // confirm (sold): on-hand 4, reserved 0
      'stock.changed', // reserve 4: none left
      'stock.out',
      'stock.changed', // cancel
      'stock.back_in_stock',
      'stock.changed', // reserve 1
      'stock.changed', // expire
    ]);
    const created = receiver.received.find(
      (request) => request.event.type === 'reservation.created' && request.event.data.reservationId === kept.id,
    )!;
    expect(created.event).toEqual({
      type: 'reservation.created',
      timestamp: expect.any(String),
      data: expect.objectContaining({
        reservationId: kept.id,
        status: 'ACTIVE',
        customerId: owner.sub,
        items: [{ variantId, quantity: 6 }],
        total: '60.00',
      }),
    });
    await unsubscribe(subscription.id);
  }, 30_000);
});

describe('webhook retries, failures and slow receivers', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startIsolatedTestApp('webhook-retries', {
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2',
      WEBHOOK_TIMEOUT_MS: '1000',
      RESERVATION_SWEEP_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function newReceiver(): Promise<WebhookReceiver> {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    return receiver;
  }

  async function subscribe(receiver: WebhookReceiver): Promise<{ id: string; secret: string }> {
    const response = await t.http
      .post('/api/webhooks')
      .set('authorization', t.admin)
      .send({ url: receiver.url, events: ['catalog.variant_changed'] });
    expect(response.status).toBe(201);
    return response.body;
  }

  /** A new variant, created before the subscription so that only the changes that follow are delivered. */
  async function newVariantId(): Promise<number> {
    return (await newStockedVariant(t, { onHand: 0 })).id;
  }

  function renameVariant(variantId: number, sku: string) {
    return t.http.patch(`/api/products/variants/${variantId}`).set('authorization', t.admin).send({ sku }).expect(200);
  }

  async function deliveriesOf(subscriptionId: string) {
    const response = await t.http.get(`/api/webhooks/${subscriptionId}/deliveries`).set('authorization', t.admin);
    expect(response.status).toBe(200);
    return response.body.items as {
      id: string;
      eventId: string;
      status: string;
      attempts: number;
      lastStatusCode: number | null;
      lastError: string | null;
      nextAttemptAt: string | null;
    }[];
  }

  it('delivers with attempts = 4 to a receiver that answers 500 three times, then 200', async () => {
    const receiver = await newReceiver();
    receiver.respondWith(({ nth }) => (nth <= 3 ? 500 : 200));
    const variantId = await newVariantId();
    const subscription = await subscribe(receiver);

    await renameVariant(variantId, `RETRY-${variantId}`);

    await eventually(async () => {
      const [delivery] = await deliveriesOf(subscription.id);
      expect(delivery).toMatchObject({
        status: 'DELIVERED',
        attempts: 4,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
      });
    }, 10_000);
    const requests = receiver.verified(subscription.secret);
    expect(requests.map((request) => request.answeredWith)).toEqual([500, 500, 500, 200]);
    // One event: every attempt carries its id, for the receiver to drop duplicates.
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('keeps a variant’s changes in order while the first one is retried', async () => {
    const receiver = await newReceiver();
    receiver.respondWith(({ nth }) => (nth === 1 ? 503 : 200));
    const variantId = await newVariantId();
    const subscription = await subscribe(receiver);

    await renameVariant(variantId, `FIRST-${variantId}`);
    await renameVariant(variantId, `SECOND-${variantId}`);

    await eventually(async () => expect(receiver.accepted()).toHaveLength(2), 10_000);
    expect(receiver.received.map((request) => [request.event.data.sku, request.answeredWith])).toEqual([
      [`FIRST-${variantId}`, 503],
      [`FIRST-${variantId}`, 200],
      [`SECOND-${variantId}`, 200],
    ]);
    await t.http.delete(`/api/webhooks/${subscription.id}`).set('authorization', t.admin).expect(204);
  });

  it('fails a delivery that used up its retries, disables the subscription with a reason, and retries on request', async () => {
    const receiver = await newReceiver();
    receiver.respondWith(() => 500);
    const variantId = await newVariantId();
    const subscription = await subscribe(receiver);

    await renameVariant(variantId, `DOOMED-${variantId}`);

    // The schedule allows 4 retries: 5 attempts.
    await eventually(async () => {
      const [delivery] = await deliveriesOf(subscription.id);
      expect(delivery).toMatchObject({ status: 'FAILED', attempts: 5, lastStatusCode: 500, nextAttemptAt: null });
    }, 10_000);
    const { body: disabled } = await t.http
      .get(`/api/webhooks/${subscription.id}`)
      .set('authorization', t.admin)
      .expect(200);
    expect(disabled).toMatchObject({ active: false, disabledAt: expect.any(String) });
    expect(disabled.disabledReason).toContain('failed 5 attempts');
    expect(disabled.disabledReason).toContain('500');

    const [failed] = await deliveriesOf(subscription.id);
    const retry = () =>
      t.http.post(`/api/webhooks/${subscription.id}/deliveries/${failed.id}/retry`).set('authorization', t.admin);
    expectProblem(await retry(), 409, 'WEBHOOK_INACTIVE');

    const enabled = await t.http
      .patch(`/api/webhooks/${subscription.id}`)
      .set('authorization', t.admin)
      .send({ active: true })
      .expect(200);
    expect(enabled.body).toMatchObject({ active: true, disabledReason: null, disabledAt: null });
    receiver.respondWith(() => 200);
    const retried = await retry();
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'PENDING' });

    await eventually(async () => {
      const [delivery] = await deliveriesOf(subscription.id);
      expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 6, lastStatusCode: 200 });
    }, 10_000);
    expectProblem(await retry(), 409, 'DELIVERY_ALREADY_DELIVERED');
    await t.http.delete(`/api/webhooks/${subscription.id}`).set('authorization', t.admin).expect(204);
  });

  it('sends a signed ping on request and answers how it went', async () => {
    const receiver = await newReceiver();
    const subscription = await subscribe(receiver);

    const ok = await t.http.post(`/api/webhooks/${subscription.id}/test`).set('authorization', t.admin);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ eventType: 'webhook.ping', status: 'DELIVERED', attempts: 1, lastStatusCode: 200 });
    receiver.respondWith(() => 410);
    const refused = await t.http.post(`/api/webhooks/${subscription.id}/test`).set('authorization', t.admin);
    expect(refused.body).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 410 });

    const [first] = receiver.verified(subscription.secret);
    expect(first.event).toEqual({
      type: 'webhook.ping',
      timestamp: expect.any(String),
      data: { webhookId: subscription.id, message: expect.any(String) },
    });
    expect(first.headers['webhook-id']).toBe(ok.body.eventId);
    // A ping is tried once: the relay does not retry it.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(receiver.received).toHaveLength(2);
    await t.http.delete(`/api/webhooks/${subscription.id}`).set('authorization', t.admin).expect(204);
  });

  it('keeps delivering to a quick receiver while another one never answers in time', async () => {
    const stuck = await newReceiver();
    stuck.respondWith(() => ({ status: 200, delayMs: 30_000 }));
    const quick = await newReceiver();
    const variantIds = await Promise.all(Array.from({ length: 12 }, () => newVariantId()));
    const stuckSubscription = await subscribe(stuck);
    await subscribe(quick);

    const started = Date.now();
    await Promise.all(variantIds.map((variantId) => renameVariant(variantId, `BUSY-${variantId}`)));

    // Each of the stuck receiver's attempts takes the whole WEBHOOK_TIMEOUT_MS (1 s).
    await eventually(async () => expect(quick.accepted()).toHaveLength(12), 5_000, 20);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stuck.accepted()).toHaveLength(0);
    await eventually(async () => {
      const deliveries = await deliveriesOf(stuckSubscription.id);
      expect(deliveries.map((delivery) => delivery.lastError)).toContain('No answer within 1000 ms');
    }, 5_000);
    await t.http.delete(`/api/webhooks/${stuckSubscription.id}`).set('authorization', t.admin).expect(204);
  });
});
