import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One event, written in the transaction of the change that caused it, so it exists exactly
 * when the change does. `seq` orders the events of one aggregate in commit order: every
 * writer of an aggregate holds its row lock while it writes the event.
 */
@Entity('outbox_events')
@Index('IDX_outbox_events_undispatched', ['seq'], { where: '"dispatched_at" IS NULL' })
@Index('IDX_outbox_events_occurred_at', ['occurredAt'])
export class OutboxEventRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  /** The event's id: `webhook-id` of its deliveries, for receivers to drop duplicates. */
  @Index('UQ_outbox_events_id', { unique: true })
  @Column({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'aggregate_type', type: 'varchar', length: 32 })
  aggregateType!: string;

  @Column({ name: 'aggregate_id', type: 'varchar', length: 64 })
  aggregateId!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  /** The clock when the event was written, just before its transaction committed. */
  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;

  /** When the relay fanned it out into deliveries; null until then. */
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;
}
