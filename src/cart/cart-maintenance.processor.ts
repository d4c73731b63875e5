import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { Env } from '../shared/config';
import { keepPeriodicJob, logQueueErrors } from '../shared/queue';
import { CART_MAINTENANCE_QUEUE, RECONCILE_JOB, RETIRED_PURGE_JOB } from './cart-maintenance.queue';
import { CartReconciler } from './cart-reconciler';
import { CartModule } from './cart.module';

/**
 * Every RESERVATION_SWEEP_SECONDS, giving back carts whose reservation was released, also
 * in-process while Redis is away, as the sweep that releases them is. Kept scheduled
 * across Redis restarts.
 */
@Injectable()
export class CartMaintenanceSchedule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CartMaintenanceSchedule.name);
  private stop?: () => void;

  constructor(
    @InjectQueue(CART_MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly reconciler: CartReconciler,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onModuleInit(): void {
    logQueueErrors(this.queue, this.logger, 'The cart maintenance queue cannot reach Redis');
  }

  onApplicationBootstrap(): void {
    const everyMs = this.config.get('RESERVATION_SWEEP_SECONDS', { infer: true }) * 1000;
    this.stop = keepPeriodicJob(
      this.queue,
      { name: RECONCILE_JOB, everyMs, runWhileQueueIsDown: () => this.reconciler.reconcile() },
      this.logger,
    );
    // The idempotency purge has a queue of its own now; no processor here would take it.
    this.queue
      .removeRepeatable(RETIRED_PURGE_JOB.name, { every: RETIRED_PURGE_JOB.everyMs })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not remove the retired purge schedule'));
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}

@Processor(CART_MAINTENANCE_QUEUE)
export class CartMaintenanceProcessor {
  constructor(private readonly reconciler: CartReconciler) {}

  @Process(RECONCILE_JOB)
  reconcile(): Promise<{ reactivated: number; settled: number }> {
    return this.reconciler.reconcile();
  }
}

/** The cart's processor and schedule, for a process with APP_ROLE `worker` or `all`. */
@Module({
  imports: [CartModule],
  providers: [CartMaintenanceSchedule, CartMaintenanceProcessor],
})
export class CartJobsModule {}
