import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { Env } from '../shared/config';
import { ValidationFailedError } from '../shared/errors';
import { CreateWebhookDto, DeliveryListQueryDto, DeliveryView, UpdateWebhookDto } from './dto/webhook.dto';
import { EventCatalog } from './event-catalog';
import { WEBHOOK_PING } from './event-types';
import { webhookBody } from './webhook-body';
import { WebhookSender } from './webhook-sender';
import {
  DeliveryAlreadyDeliveredError,
  DeliveryNotFoundError,
  WebhookInactiveError,
  WebhookNotFoundError,
  WebhookUrlRefusedError,
} from './outbox.errors';
import { refusalOf } from './webhook-url';
import { WebhookSubscription } from './webhook-subscription.entity';
import { WebhooksRepository } from './webhooks.repository';

/** Bytes of a signing secret (Standard Webhooks asks for 24 to 64). */
const SECRET_BYTES = 32;

@Injectable()
export class WebhooksService {
  private readonly allowPrivate: boolean;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly catalog: EventCatalog,
    config: ConfigService<Env, true>,
  ) {
    this.allowPrivate = config.get('WEBHOOKS_ALLOW_PRIVATE', { infer: true });
  }

  async create(input: CreateWebhookDto): Promise<WebhookSubscription> {
    this.assertPublished(input.events);
    await this.assertDeliverable(input.url);
    const secret = `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
    return this.webhooks.insert(
      { url: input.url, events: input.events, active: input.active ?? true, description: input.description ?? null },
      secret,
    );
  }

  list(limit: number, offset: number): Promise<[WebhookSubscription[], number]> {
    return this.webhooks.findPage(limit, offset);
  }

  async get(id: string): Promise<WebhookSubscription> {
    const subscription = await this.webhooks.findById(id);
    if (!subscription) throw new WebhookNotFoundError(id);
    return subscription;
  }

  async update(id: string, input: UpdateWebhookDto): Promise<WebhookSubscription> {
    if (input.events !== undefined) this.assertPublished(input.events);
    if (input.url !== undefined) await this.assertDeliverable(input.url);
    const updated = await this.webhooks.update(id, {
      ...(input.url !== undefined && { url: input.url }),
      ...(input.events !== undefined && { events: input.events }),
      ...(input.active !== undefined && { active: input.active }),
      ...(input.description !== undefined && { description: input.description }),
    });
    if (!updated) throw new WebhookNotFoundError(id);
    return updated;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.webhooks.delete(id))) throw new WebhookNotFoundError(id);
  }

  async deliveries(id: string, query: DeliveryListQueryDto): Promise<[DeliveryView[], number]> {
    await this.get(id);
    return this.webhooks.deliveriesPage(id, query.status, query.limit, query.offset);
  }

  /** Sends a PENDING or FAILED delivery again now (one more attempt past a used-up schedule). */
  async retry(id: string, deliveryId: string): Promise<DeliveryView> {
    const subscription = await this.get(id);
    const delivery = await this.webhooks.findDelivery(id, deliveryId);
    if (!delivery) throw new DeliveryNotFoundError(deliveryId);
    if (delivery.status === 'DELIVERED') throw new DeliveryAlreadyDeliveredError(deliveryId);
    if (!subscription.active) throw new WebhookInactiveError(id, subscription.disabledReason);
    if (!(await this.webhooks.requeue(deliveryId))) throw new DeliveryAlreadyDeliveredError(deliveryId);
    return (await this.webhooks.findDelivery(id, deliveryId))!;
  }

  /** Sends a signed `webhook.ping` to the subscription now, active or not, and answers how it went. */
  async test(id: string): Promise<DeliveryView> {
    const subscription = await this.get(id);
    await this.assertDeliverable(subscription.url);
    const payload = { webhookId: id, message: 'A test event sent from the commerce API' };
    const ping = await this.webhooks.insertPing(id, payload);
    const outcome = await this.sender.send(subscription.url, subscription.secret, {
      id: ping.eventId,
      body: webhookBody(WEBHOOK_PING, ping.occurredAt, payload),
    });
    await this.webhooks.recordPingOutcome(ping.deliveryId, outcome);
    return (await this.webhooks.findDelivery(id, ping.deliveryId))!;
  }

  private assertPublished(events: readonly string[]): void {
    const unknown = events.filter((type) => !this.catalog.has(type));
    if (unknown.length === 0) return;
    const message = `events: ${unknown.join(', ')} is not an event type; the types are ${this.catalog.types.join(', ')}`;
    throw new ValidationFailedError(message, [{ field: 'events', message }]);
  }

  private async assertDeliverable(url: string): Promise<void> {
    const refusal = await refusalOf(url, this.allowPrivate);
    if (refusal) throw new WebhookUrlRefusedError(url, refusal);
  }
}
