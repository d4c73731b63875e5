import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import createPostgresSubscriber, { Subscriber } from 'pg-listen';
import { DataSource, EntityManager } from 'typeorm';
import { Env } from '../config';
import { afterCommit } from '../database';

/** The one PostgreSQL channel of the bus; channels are per database, so each shop (and each test run) has its own. */
export const INVALIDATION_CHANNEL = 'commerce_invalidations';

/** Something cached changed. `ids` narrows it; without them, everything of the topic changed. */
export interface Invalidation {
  topic: string;
  ids?: number[];
}

type InvalidationHandler = (invalidation: Invalidation) => void;

/** Longest pause between two attempts to reach PostgreSQL again. */
const MAX_RETRY_INTERVAL_MS = 5_000;
/** How often the idle listening connection is checked, so a silently dead one is replaced. */
const LIVENESS_CHECK_MS = 10_000;

/**
 * Tells every instance that something it caches changed, through PostgreSQL
 * LISTEN/NOTIFY: a change publishes inside its own transaction, so the notification is
 * delivered exactly when the change commits and never for one rolled back, with no
 * second system to keep consistent with the database. pg-listen keeps the listening
 * connection up and listens again after a reconnect; as notifications sent meanwhile are
 * lost, subscribers then flush everything (the `resync` topic), and their periodic
 * refreshes stay as the backstop. This instance hears its own changes as soon as they
 * commit, before it answers the request that made them.
 */
@Injectable()
export class InvalidationBus implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InvalidationBus.name);
  private readonly handlers = new Map<string, InvalidationHandler[]>();
  private subscriber?: Subscriber;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly config: ConfigService<Env, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Calls `handler` for every invalidation of `topic`, and with no ids (everything
   * changed) after a reconnect, when notifications may have been missed.
   */
  subscribe(topic: string, handler: InvalidationHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** Sends the invalidation within `tx`: every instance hears it once `tx` commits, this one at once. */
  async publish(tx: EntityManager, invalidation: Invalidation): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, JSON.stringify(invalidation)]);
    afterCommit(tx, () => this.deliver(invalidation));
  }

  /**
   * For a writer that sends the notification from a statement of its own: the channel and
   * payload to pass to `pg_notify` in that statement, within `tx`. This instance hears it
   * once `tx` commits, as with `publish`.
   */
  notificationWithin(tx: EntityManager, invalidation: Invalidation): [channel: string, payload: string] {
    afterCommit(tx, () => this.deliver(invalidation));
    return [INVALIDATION_CHANNEL, JSON.stringify(invalidation)];
  }

  /**
   * Sends the invalidation in a statement of its own, for changes that have committed
   * already: this instance hears it at once, the others when the statement returns.
   */
  async announce(invalidation: Invalidation): Promise<void> {
    this.deliver(invalidation);
    await this.dataSource.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, JSON.stringify(invalidation)]);
  }

  onApplicationBootstrap(): void {
    void this.listen(1);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.subscriber?.close().catch(() => undefined);
  }

  /** Connects the listener; a first connection that fails is tried again until it succeeds. */
  private async listen(attempt: number): Promise<void> {
    const subscriber = createPostgresSubscriber(
      {
        connectionString:
          this.config.get('DATABASE_LISTEN_URL', { infer: true }) ?? this.config.get('DATABASE_URL', { infer: true }),
        application_name: 'invalidation-bus',
      },
      { retryTimeout: 0, retryInterval: retryIntervalMs, paranoidChecking: LIVENESS_CHECK_MS },
    );
    subscriber.notifications.on(INVALIDATION_CHANNEL, (payload: unknown) => this.deliver(parsed(payload)));
    subscriber.events.on('reconnect', (reconnectAttempt) => {
      if (reconnectAttempt === 1) this.logger.warn('The invalidation listener lost PostgreSQL; reconnecting');
    });
    subscriber.events.on('connected', () => {
      // Also emitted by the first connection, which resolves connect() below.
      if (this.subscriber !== subscriber) return;
      this.logger.log('The invalidation listener reconnected; caches are flushed');
      this.resync();
    });
    subscriber.events.on('error', (error) => this.logger.warn({ err: error }, 'The invalidation listener failed'));
    try {
      await subscriber.connect();
      await subscriber.listenTo(INVALIDATION_CHANNEL);
      if (this.closed) return void (await subscriber.close());
      this.subscriber = subscriber;
      // Changes may have committed between this instance's first reads and now.
      if (attempt > 1) this.resync();
    } catch (error) {
      await subscriber.close().catch(() => undefined);
      if (this.closed) return;
      if (attempt === 1) this.logger.warn({ err: error }, 'The invalidation listener cannot reach PostgreSQL yet');
      this.retry = setTimeout(() => void this.listen(attempt + 1), retryIntervalMs(attempt));
      this.retry.unref();
    }
  }

  private resync(): void {
    for (const topic of this.handlers.keys()) this.deliver({ topic }, 'resync');
  }

  private deliver(invalidation: Invalidation | null, reason?: string): void {
    if (!invalidation) return;
    for (const handler of this.handlers.get(invalidation.topic) ?? []) {
      try {
        handler(invalidation);
      } catch (error) {
        this.logger.error({ err: error, topic: invalidation.topic, reason }, 'An invalidation handler failed');
      }
    }
  }
}

function retryIntervalMs(attempt: number): number {
  return Math.min(MAX_RETRY_INTERVAL_MS, 250 * 2 ** Math.min(attempt, 10));
}

/** A notification's payload as an invalidation; anything else on the channel is ignored. */
function parsed(payload: unknown): Invalidation | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { topic, ids } = payload as Record<string, unknown>;
  if (typeof topic !== 'string') return null;
  if (ids === undefined) return { topic };
  return Array.isArray(ids) && ids.every(Number.isSafeInteger) ? { topic, ids: ids as number[] } : { topic };
}
