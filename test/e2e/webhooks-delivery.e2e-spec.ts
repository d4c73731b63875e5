import { newCustomer } from '../support/customer.factory';
import { line, newStockedVariant, reserve, reservationRequests } from '../support/inventory.factory';
import { createRule, ruleBody } from '../support/pricing.factory';
import { makeOverdue } from '../support/inventory.factory';
import { ReservationsService } from '../../src/inventory/reservations.service';
import { startIsolatedTestApp, TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

const ALL_EVENTS = [
  'reservation.created',
  'reservation.extended',
  'reservation.confirmed',
  'reservation.cancelled',
  'reservation.expired',
  'stock.changed',
  'stock.low',
  'stock.out',
  'stock.back_in_stock',
  'price.rules_changed',
  'catalog.variant_changed',
];

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
      .send({ productId: (await newStockedVariantProduct()).productId, sku: `WH-${Date.now()}` });
    expect(variant.status).toBe(201);
    const variantId: number = variant.body.id;
    await t.http.put(`/api/inventory/${variantId}`).set('authorization', t.admin).send({ onHand: 10 }).expect(200);
    const stocked = { id: variantId, sku: variant.body.sku };

    // A reservation that is extended and confirmed; one cancelled; one that expires.
    const { cancel, confirm } = reservationRequests(() => t);
    const kept = await reserve(t, owner.sub, [line(stocked, 6)]); // 4 left: stock.low
    await t.http.post(`/api/reservations/${kept.id}/extend`).set('authorization', owner.auth).send({ seconds: 600 }).expect(200);
    await confirm(kept.id).expect(200);
    const cancelled = await reserve(t, owner.sub, [line(stocked, 4)]); // takes the last units: stock.out
    await cancel(cancelled.id, owner.auth).expect(200); // back_in_stock
    const expired = await reserve(t, owner.sub, [line(stocked, 1)]);
    await makeOverdue(t, expired.id);
    await t.get(ReservationsService).expire(expired.id);

    // price.rules_changed: created, updated, deleted.
    const rule = await createRule(t, ruleBody({ type: 'VARIANT', id: variantId }));
    await t.http.patch(`/api/pricing/rules/${rule.id}`).set('authorization', t.admin).send({ active: false }).expect(200);
    await t.http.delete(`/api/pricing/rules/${rule.id}`).set('authorization', t.admin).expect(204);

    await eventually(async () => {
      const types = new Set(receiver.received.map((request) => request.event.type));
      expect([...types].sort()).toEqual([...ALL_EVENTS].sort());
      expect(receiver.received.filter(ofReservation(expired.id)).map((request) => request.event.type)).toContain(
        'reservation.expired',
      );
      expect(receiver.received.filter((request) => request.event.type === 'price.rules_changed')).toHaveLength(3);
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
    const stockEvents = receiver.received.filter(ofVariant(variantId)).map((request) => request.event.type);
    expect(stockEvents).toEqual([
      'catalog.variant_changed',
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

  async function newStockedVariantProduct(): Promise<{ productId: number }> {
    const seeded = await newStockedVariant(t, { onHand: 0 });
    const [row]: { product_id: number }[] = await t.dataSource.query('SELECT product_id FROM variants WHERE id = $1', [
      seeded.id,
    ]);
    return { productId: row.product_id };
  }
});
