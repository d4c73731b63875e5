import { Injectable } from '@nestjs/common';
import { OutboxEvent } from './event-types';
import { ConsumerInterest } from './outbox.repository';

/**
 * A module's reaction to events, run by the relay with the same guarantees as a webhook:
 * at least once, in order per aggregate, retried on failure. It must be idempotent.
 */
export interface OutboxConsumer {
  /** Stable: pending deliveries are kept under it. */
  name: string;
  /** Types the application's event catalog declares. */
  events: readonly string[];
  handle(event: OutboxEvent): Promise<void>;
}

const CONSUMER_NAME = /^[a-z][a-z0-9.-]{2,60}$/;

/** The internal consumers of this process, registered by the modules that react to events. */
@Injectable()
export class OutboxConsumers {
  private readonly byName = new Map<string, OutboxConsumer>();

  register(consumer: OutboxConsumer): void {
    if (!CONSUMER_NAME.test(consumer.name)) throw new Error(`Invalid outbox consumer name: ${consumer.name}`);
    if (this.byName.has(consumer.name)) throw new Error(`Outbox consumer ${consumer.name} is registered twice`);
    this.byName.set(consumer.name, consumer);
  }

  get(name: string): OutboxConsumer | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  interests(): ConsumerInterest[] {
    return [...this.byName.values()].map((consumer) => ({ name: consumer.name, types: consumer.events }));
  }
}
