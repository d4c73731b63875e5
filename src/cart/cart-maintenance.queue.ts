import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { Env } from '../shared/config';
import { keepPeriodicJob, logQueueErrors } from '../shared/queue';
import { CartReconciler } from './cart-reconciler';
import { IdempotencyService } from '../shared/idempotency';

export const CART_MAINTENANCE_QUEUE = 'cart-maintenance';
const PURGE_JOB = 'purge-idempotency-keys';
const RECONCILE_JOB = 'reconcile-carts';
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * The cart module's periodic work, kept scheduled across Redis restarts:
 * - every hour, deleting expired Idempotency-Keys (lookups already ignore them, so a
 *   missed run changes no answer);
 * - every RESERVATION_SWEEP_SECONDS, giving back carts whose reservation was released,
 *   also in-process while Redis is away, as the sweep that releases them is.
 */
@Injectable()
export class CartMaintenanceSchedule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CartMaintenanceSchedule.name);
  private readonly stops: (() => void)[] = [];

  constructor(
    @InjectQueue(CART_MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly reconciler: CartReconciler,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onModuleInit(): void {
    logQueueErrors(this.queue, this.logger, 'The cart maintenance queue cannot reach Redis');
  }

  onApplicationBootstrap(): void {
    const reconcileEveryMs = this.config.get('RESERVATION_SWEEP_SECONDS', { infer: true }) * 1000;
    this.stops.push(
      keepPeriodicJob(this.queue, { name: PURGE_JOB, everyMs: PURGE_EVERY_MS }, this.logger),
      keepPeriodicJob(
        this.queue,
        { name: RECONCILE_JOB, everyMs: reconcileEveryMs, runWhileQueueIsDown: () => this.reconciler.reconcile() },
        this.logger,
      ),
    );
  }

  onModuleDestroy(): void {
    this.stops.forEach((stop) => stop());
  }
}

@Processor(CART_MAINTENANCE_QUEUE)
export class CartMaintenanceProcessor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reconciler: CartReconciler,
  ) {}

  @Process(PURGE_JOB)
  async purge(): Promise<{ purged: number }> {
    return { purged: await this.idempotency.purgeExpired() };
  }

  @Process(RECONCILE_JOB)
  reconcile(): Promise<{ reactivated: number; settled: number }> {
    return this.reconciler.reconcile();
  }
}
