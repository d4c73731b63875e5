import { getQueueToken } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Queue } from 'bull';
import type { Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { InventoryService, ReservationEvents, type ReservationReleasedEvent } from '../inventory';
import { OutboxService } from '../outbox';
import { CatalogService } from '../products';
import { ReplicaReads } from '../shared/replica';
import { Metric } from './metrics.definitions';
import { OPS_QUEUES } from './ops-queues';

/** A scrape must answer even when Redis or PostgreSQL does not: each source gets this long. */
const SOURCE_TIMEOUT_MS = 1000;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${SOURCE_TIMEOUT_MS} ms`)),
      SOURCE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The gauges read at scrape time: stock holds through the inventory module's facade,
 * queue depths from Bull, the pool from the app's DataSource. A source that fails or is
 * slow leaves its gauges at their last value and is logged; the rest are still served.
 */
@Injectable()
export class MetricsCollector {
  private readonly logger = new Logger(MetricsCollector.name);

  constructor(
    private readonly inventory: InventoryService,
    private readonly catalog: CatalogService,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetric(Metric.ActiveReservations) private readonly activeReservations: Gauge<string>,
    @InjectMetric(Metric.ExpiryLag) private readonly expiryLag: Histogram<string>,
    @InjectMetric(Metric.QueueJobs) private readonly queueJobs: Gauge<string>,
    @InjectMetric(Metric.DbPoolInUse) private readonly poolInUse: Gauge<string>,
    @InjectMetric(Metric.DbPoolWaiting) private readonly poolWaiting: Gauge<string>,
    @InjectMetric(Metric.CatalogCacheEntries) private readonly cacheEntries: Gauge<string>,
    @InjectMetric(Metric.CatalogCacheLookups) private readonly cacheLookups: Gauge<string>,
    @InjectMetric(Metric.OutboxBacklog) private readonly outboxBacklog: Gauge<string>,
    @InjectMetric(Metric.ReplicaReads) private readonly replicaReads: Gauge<string>,
    @InjectMetric(Metric.ReplicaLag) private readonly replicaLag: Gauge<string>,
    private readonly replica: ReplicaReads,
  ) {}

  /** Brings every scrape-time gauge up to date. */
  async refresh(): Promise<void> {
    this.readPool();
    this.readCatalogCache();
    this.readReplica();
    await Promise.all([
      this.attempt('active reservations', async () =>
        this.activeReservations.set(await this.inventory.countActiveReservations()),
      ),
      this.attempt('outbox backlog', async () => {
        for (const [kind, count] of Object.entries(await this.outbox.backlog()))
          this.outboxBacklog.set({ kind }, count);
      }),
      ...OPS_QUEUES.map(({ name }) => this.attempt(`queue ${name}`, () => this.readQueue(name))),
    ]);
  }

  @OnEvent(ReservationEvents.Released)
  onReleased(event: ReservationReleasedEvent): void {
    if (event.reason !== 'EXPIRED') return;
    this.expiryLag.observe(Math.max(event.closedAt.getTime() - event.expiresAt.getTime(), 0) / 1000);
  }

  private readPool(): void {
    const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) return;
    this.poolInUse.set(pool.totalCount - pool.idleCount);
    this.poolWaiting.set(pool.waitingCount);
  }

  private readCatalogCache(): void {
    const stats = this.catalog.cacheStats();
    this.cacheEntries.set({ kind: 'variant_view' }, stats.variantViews);
    this.cacheEntries.set({ kind: 'subtree' }, stats.subtrees);
    this.cacheLookups.set({ result: 'hit' }, stats.hits);
    this.cacheLookups.set({ result: 'miss' }, stats.misses);
  }

  private readReplica(): void {
    const status = this.replica.status();
    if (!status.configured) return;
    this.replicaReads.set({ served_by: 'replica' }, status.served.replica);
    this.replicaReads.set({ served_by: 'primary' }, status.served.primary);
    this.replicaLag.set(status.lagMs === undefined || !Number.isFinite(status.lagMs) ? -1 : status.lagMs / 1000);
  }

  private async readQueue(name: string): Promise<void> {
    const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    const counts = (await queue.getJobCounts()) as unknown as Record<string, number>;
    for (const state of QUEUE_STATES) this.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
  }

  private async attempt(what: string, read: () => Promise<void>): Promise<void> {
    try {
      await within(read(), what);
    } catch (error) {
      this.logger.warn({ err: error }, `Metrics: could not read ${what}`);
    }
  }
}
