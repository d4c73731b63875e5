import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { ReplicaReads } from '../shared/replica';
import { DeliveryView } from './dto/webhook.dto';
import { DeliveryStatus } from './event-delivery.entity';
import { WEBHOOK_PING } from './event-types';
import { WebhookSubscription } from './webhook-subscription.entity';
import { SqlPools } from '../shared/database';

export type SubscriptionFields = Pick<WebhookSubscription, 'url' | 'events' | 'active' | 'description'>;

const DELIVERY_COLUMNS = `
  d.id, d.target, d.subscription_id AS "subscriptionId", d.aggregate_key AS "aggregateKey", d.status,
  d.attempts, d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt",
  d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.delivered_at AS "deliveredAt",
  d.created_at AS "createdAt", d.event_seq AS "eventSeq", e.id AS "eventId", e.type AS "eventType"`;

/** Webhook subscriptions and their deliveries, for the admin routes. */
@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
    @InjectRepository(WebhookSubscription) private readonly subscriptions: Repository<WebhookSubscription>,
    private readonly replica: ReplicaReads,
  ) {}

  insert(fields: SubscriptionFields, secret: string): Promise<WebhookSubscription> {
    return this.subscriptions.save(this.subscriptions.create({ ...fields, id: randomUUID(), secret }));
  }

  findById(id: string): Promise<WebhookSubscription | null> {
    return this.subscriptions.findOneBy({ id });
  }

  findPage(limit: number, offset: number): Promise<[WebhookSubscription[], number]> {
    return this.subscriptions.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
  }

  /** Saves the changed fields; turning it on clears why the relay turned it off. */
  async update(id: string, fields: Partial<SubscriptionFields>): Promise<WebhookSubscription | null> {
    const changes: Partial<WebhookSubscription> = { ...fields };
    if (fields.active === true) Object.assign(changes, { disabledReason: null, disabledAt: null });
    if (Object.keys(changes).length > 0) {
      const result = await this.subscriptions.update({ id }, changes);
      if (result.affected === 0) return null;
    }
    return this.findById(id);
  }

  /** Deletes the subscription and its deliveries. */
  async delete(id: string): Promise<boolean> {
    const result = await this.subscriptions.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async deliveriesPage(
    subscriptionId: string,
    status: DeliveryStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<[DeliveryView[], number]> {
    const filter = `d.subscription_id = $1 AND ($2::varchar IS NULL OR d.status = $2)`;
    // Replica-safe: delivery history may lag the primary by the replica's bound.
    const [rows, [count]]: [DeliveryView[], { total: string }[]] = await this.replica.read((db) =>
      Promise.all([
        db.query(
          `SELECT ${DELIVERY_COLUMNS} FROM event_deliveries d JOIN outbox_events e ON e.seq = d.event_seq
          WHERE ${filter} ORDER BY d.created_at DESC, d.event_seq DESC LIMIT $3 OFFSET $4`,
          [subscriptionId, status ?? null, limit, offset],
        ),
        db.query(`SELECT count(*) AS total FROM event_deliveries d WHERE ${filter}`, [subscriptionId, status ?? null]),
      ]),
    );
    return [rows, Number(count.total)];
  }

  async findDelivery(subscriptionId: string, deliveryId: string): Promise<DeliveryView | null> {
    const [row]: DeliveryView[] = await this.sql.onWritePool(
      `SELECT ${DELIVERY_COLUMNS} FROM event_deliveries d JOIN outbox_events e ON e.seq = d.event_seq
        WHERE d.subscription_id = $1 AND d.id = $2`,
      [subscriptionId, deliveryId],
    );
    return row ?? null;
  }

  /** Makes a delivery that has not been delivered due now; false when it was delivered meanwhile. */
  async requeue(deliveryId: string): Promise<boolean> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await this.sql.onWritePool(
      `WITH queued AS (
         UPDATE event_deliveries SET status = 'PENDING', ready = true, next_attempt_at = now()
          WHERE id = $1 AND status <> 'DELIVERED' RETURNING id)
       SELECT id FROM queued`,
      [deliveryId],
    );
    this.replica.noteWrite();
    return rows.length === 1;
  }

  /**
   * Records a ping to one subscription as an event of its own (never fanned out) and its
   * delivery, leased for the send that follows.
   */
  async insertPing(
    subscriptionId: string,
    payload: unknown,
  ): Promise<{ deliveryId: string; eventId: string; occurredAt: Date }> {
    return this.dataSource.transaction(async (tx) => {
      const eventId = randomUUID();
      const [event]: { seq: string; occurred_at: Date }[] = await tx.query(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, dispatched_at)
         VALUES ($1, $2, 'webhook', $3, $4, clock_timestamp()) RETURNING seq, occurred_at`,
        [eventId, WEBHOOK_PING, subscriptionId, JSON.stringify(payload)],
      );
      const deliveryId = randomUUID();
      await tx.query(
        `INSERT INTO event_deliveries (id, event_seq, target, subscription_id, aggregate_key, attempts, last_attempt_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, 1, now(), now() + interval '1 hour')`,
        [deliveryId, event.seq, `webhook:${subscriptionId}`, subscriptionId, `webhook:${subscriptionId}`],
      );
      return { deliveryId, eventId, occurredAt: event.occurred_at };
    });
  }

  /** A ping is tried once: delivered or failed, never retried by the relay. */
  async recordPingOutcome(
    deliveryId: string,
    outcome: { ok: boolean; statusCode: number | null; error: string | null },
  ): Promise<void> {
    await this.sql.onWritePool(
      `UPDATE event_deliveries
          SET status = $2::varchar, next_attempt_at = NULL, last_status_code = $3, last_error = left($4, 500),
              delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() END
        WHERE id = $1`,
      [deliveryId, outcome.ok ? 'DELIVERED' : 'FAILED', outcome.statusCode, outcome.error],
    );
    this.replica.noteWrite();
  }
}
