import { Injectable } from '@nestjs/common';
import { EntityManager, QueryRunner } from 'typeorm';
import { beforeCommit } from '../shared/database';
import { EventCatalog } from './event-catalog';
import { NewOutboxEvent } from './event-types';
import { OutboxConsumer, OutboxConsumers } from './outbox-consumers';
import { EventsInsert, insertEventsSql, OutboxRepository } from './outbox.repository';
import { RelayWakeups } from './relay-wakeups';

/** The events of a transaction as CTEs for the writer's own statement (see OutboxService.recordWithin). */
export interface EventsWithinStatement {
  /** CTE definitions, comma-separated, to follow the statement's own after a comma. */
  ctes: string;
  /** A CTE of one row the statement must select from (cross join), or the relays are not woken. */
  from: string;
  parameters: unknown[];
}

/**
 * How other modules publish events and react to them. An event is written in the caller's
 * transaction, so it exists if and only if the change it describes committed; the relays
 * deliver it afterwards, however the process that wrote it ends.
 *
 * A transaction's events are written together, in publishing order, by one statement just
 * before it commits (or by the writer's own last statement, see `recordWithin`), and the
 * relays are woken once it commits (see RelayWakeups): however many steps of a transaction
 * publish, the events cost it one round trip, and none while it holds its row locks if the
 * writer embeds them.
 */
@Injectable()
export class OutboxService {
  /** Events published in each open transaction and not written yet. */
  private readonly pending = new WeakMap<QueryRunner, NewOutboxEvent[]>();

  constructor(
    private readonly events: OutboxRepository,
    private readonly consumers: OutboxConsumers,
    private readonly wakeups: RelayWakeups,
    private readonly catalog: EventCatalog,
  ) {}

  /** Records the events within `tx`, which must be the transaction of the change they describe. */
  async publish(tx: EntityManager, events: readonly NewOutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.assertDeclared(events);
    const runner = this.transactionOf(tx);
    const queued = this.pending.get(runner);
    if (queued) {
      queued.push(...events);
      return;
    }
    this.pending.set(runner, [...events]);
    beforeCommit(tx, () => this.flush(tx));
  }

  /**
   * For a writer whose own statement can carry its transaction's events: every event
   * published in `tx` so far, then `events`, as CTEs to add to that statement (parameters
   * numbered from `$first`). The statement must select from `from`. Events published in
   * `tx` later are written before its commit as usual.
   */
  recordWithin(tx: EntityManager, events: readonly NewOutboxEvent[], first: number): EventsWithinStatement | null {
    this.assertDeclared(events);
    const runner = this.transactionOf(tx);
    const all = [...(this.pending.get(runner) ?? []), ...events];
    this.pending.delete(runner);
    if (all.length === 0) return null;
    return eventsWithinStatement(insertEventsSql(all, first), first, this.wakeups.notificationWithin(tx));
  }

  /** Events not yet fanned out, deliveries still to make, and deliveries failed for good. */
  backlog(): Promise<{ undispatched: number; pending: number; failed: number }> {
    return this.events.backlog();
  }

  /** Runs `consumer` for every event of its types, in the relays of worker processes. */
  registerConsumer(consumer: OutboxConsumer): void {
    this.catalog.assertDeclared(consumer.events, `The outbox consumer ${consumer.name}`);
    this.consumers.register(consumer);
  }

  private async flush(tx: EntityManager): Promise<void> {
    const recorded = this.recordWithin(tx, [], 1);
    if (recorded) await tx.query(`WITH ${recorded.ctes} SELECT 1 FROM ${recorded.from}`, recorded.parameters);
  }

  private assertDeclared(events: readonly NewOutboxEvent[]): void {
    this.catalog.assertDeclared(
      events.map((event) => event.type),
      'A published event',
    );
  }

  private transactionOf(tx: EntityManager): QueryRunner {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('Outbox events are written inside a transaction');
    return runner;
  }
}

/**
 * The CTEs that record `insert`'s events (its parameters numbered from `first`) within a
 * writer's statement, and wake the relays with `notification` when there is one.
 */
export function eventsWithinStatement(
  insert: EventsInsert,
  first: number,
  notification: [channel: string, payload: string] | null,
): EventsWithinStatement {
  const recorded = `outbox_recorded AS (${insert.sql})`;
  if (!notification)
    return { ctes: `${recorded}, outbox_woken AS (SELECT 1)`, from: 'outbox_woken', parameters: insert.parameters };
  const wakeAt = first + insert.parameters.length;
  return {
    ctes: `${recorded}, outbox_woken AS (SELECT pg_notify($${wakeAt}, $${wakeAt + 1}))`,
    from: 'outbox_woken',
    parameters: [...insert.parameters, ...notification],
  };
}
