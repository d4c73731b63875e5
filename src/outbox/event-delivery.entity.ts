import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OutboxEventRow } from './outbox-event.entity';
import { WebhookSubscription } from './webhook-subscription.entity';

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event for one target: a webhook subscription (`webhook:<id>`) or an internal consumer
 * (its name). PENDING until it is delivered or has used up its retries. `ready` marks the
 * head of its target's queue for its aggregate: only a ready delivery is sent, and settling
 * it readies the next, so an aggregate's events reach a target in order. While it is being
 * sent, `next_attempt_at` is its lease: past it, another relay may send it again.
 */
@Entity('event_deliveries')
@Check('CHK_event_deliveries_status', `"status" IN (${DELIVERY_STATUSES.map((status) => `'${status}'`).join(', ')})`)
@Index('UQ_event_deliveries_event_target', ['eventSeq', 'target'], { unique: true })
@Index('IDX_event_deliveries_ready', ['nextAttemptAt'], { where: `"status" = 'PENDING' AND "ready"` })
@Index('IDX_event_deliveries_pending_order', ['target', 'aggregateKey', 'eventSeq'], { where: `"status" = 'PENDING'` })
@Index('IDX_event_deliveries_subscription', ['subscriptionId', 'createdAt'])
@Index('IDX_event_deliveries_created_at', ['createdAt'])
export class EventDelivery {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'event_seq', type: 'bigint' })
  eventSeq!: string;

  @ManyToOne(() => OutboxEventRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_seq', referencedColumnName: 'seq' })
  event?: OutboxEventRow;

  @Column({ type: 'varchar', length: 80 })
  target!: string;

  @Column({ name: 'subscription_id', type: 'uuid', nullable: true })
  subscriptionId!: string | null;

  @ManyToOne(() => WebhookSubscription, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id' })
  subscription?: WebhookSubscription;

  /** `<aggregate type>:<aggregate id>` of the event: deliveries of one key go out in `event_seq` order. */
  @Column({ name: 'aggregate_key', type: 'varchar', length: 100 })
  aggregateKey!: string;

  @Column({ type: 'varchar', length: 16, default: 'PENDING' })
  status!: DeliveryStatus;

  @Column({ type: 'boolean', default: false })
  ready!: boolean;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
