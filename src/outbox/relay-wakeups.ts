import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InvalidationBus } from '../shared/bus';
import { afterCommit } from '../shared/database';

/** The bus topic that wakes the relays when events commit. */
export const OUTBOX_TOPIC = { topic: 'outbox' } as const;

/**
 * The least time between two passes of a relay, and so between two wakes from one process:
 * a relay gathers the wakes that arrive during a pass into the next one anyway.
 */
export const RELAY_PASS_SPACING_MS = 25;

/**
 * When the relays are woken after events commit. A notification sent by the committing
 * transaction wakes them as it commits, but PostgreSQL lets only one notifying transaction
 * commit at a time (they take one database-wide lock in turn), so under a sale's load,
 * checkouts of different variants queued behind each other's notifications rather than
 * behind any row. This process therefore lets at most one transaction per
 * RELAY_PASS_SPACING_MS notify; one that does not asks for a wake after it commits, which
 * is sent on its own no later than RELAY_PASS_SPACING_MS after the last one. Nothing is
 * lost if that wake never goes out (the process ends, PostgreSQL is away): the events are
 * rows, and the relays also look for them every second.
 */
@Injectable()
export class RelayWakeups implements OnModuleDestroy {
  private readonly logger = new Logger(RelayWakeups.name);
  private lastWakeAt = Number.NEGATIVE_INFINITY;
  private pending?: NodeJS.Timeout;

  constructor(private readonly bus: InvalidationBus) {}

  /**
   * The channel and payload for `tx` to notify with from its own statement, or null when a
   * wake went out a moment ago: `tx` then has one sent after it commits.
   */
  notificationWithin(tx: EntityManager): [channel: string, payload: string] | null {
    const now = performance.now();
    if (now - this.lastWakeAt >= RELAY_PASS_SPACING_MS) {
      this.lastWakeAt = now;
      return this.bus.notificationWithin(tx, OUTBOX_TOPIC);
    }
    afterCommit(tx, () => this.wakeSoon());
    return null;
  }

  onModuleDestroy(): void {
    clearTimeout(this.pending);
  }

  /** A wake that follows a commit: now, or when the spacing since the last one has passed. */
  private wakeSoon(): void {
    if (this.pending) return;
    const wait = this.lastWakeAt + RELAY_PASS_SPACING_MS - performance.now();
    if (wait <= 0) return void this.wake();
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.wake();
    }, wait);
  }

  private async wake(): Promise<void> {
    this.lastWakeAt = performance.now();
    try {
      await this.bus.announce(OUTBOX_TOPIC);
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not wake the outbox relays; they will find the events within a second');
    }
  }
}
