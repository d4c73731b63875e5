import { Injectable } from '@nestjs/common';
import { EntityManager, QueryRunner } from 'typeorm';
import { InvalidationBus } from '../shared/bus';
import { NewOutboxEvent } from './event-types';
import { OutboxConsumer, OutboxConsumers } from './outbox-consumers';
import { OutboxRepository } from './outbox.repository';

/** The bus topic that wakes the relays when events commit. */
export const OUTBOX_TOPIC = { topic: 'outbox' } as const;

/**
 * How other modules publish events and react to them. An event is written in the caller's
 * transaction, so it exists if and only if the change it describes committed; the relays
 * deliver it afterwards, however the process that wrote it ends.
 */
@Injectable()
export class OutboxService {
  /** Transactions that have already asked the relays to wake on commit. */
  private readonly woken = new WeakSet<QueryRunner>();

  constructor(
    private readonly events: OutboxRepository,
    private readonly consumers: OutboxConsumers,
    private readonly bus: InvalidationBus,
  ) {}

  /** Writes the events within `tx`, which must be the transaction of the change they describe. */
  async publish(tx: EntityManager, events: readonly NewOutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!tx.queryRunner?.isTransactionActive) throw new Error('Outbox events are written inside a transaction');
    await this.events.insertEvents(tx, events);
    if (this.woken.has(tx.queryRunner)) return;
    this.woken.add(tx.queryRunner);
    await this.bus.publish(tx, OUTBOX_TOPIC);
  }

  /** Events not yet fanned out, deliveries still to make, and deliveries failed for good. */
  backlog(): Promise<{ undispatched: number; pending: number; failed: number }> {
    return this.events.backlog();
  }

  /** Runs `consumer` for every event of its types, in the relays of worker processes. */
  registerConsumer(consumer: OutboxConsumer): void {
    this.consumers.register(consumer);
  }
}
