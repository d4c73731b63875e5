import { Process, Processor } from '@nestjs/bull';
import { Injectable, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Job } from 'bull';
import { Env } from '../../shared/config';
import {
  EXPIRE_JOB,
  ExpireJobData,
  RESERVATIONS_QUEUE,
  ReservationExpiryQueue,
  SWEEP_JOB,
} from './reservation-expiry.queue';
import { InventoryModule } from '../inventory.module';
import { ReservationsService } from './reservations.service';

/** Thrown so that Bull retries a job that fired before the reservation was due. */
export class ReservationNotDueError extends Error {
  constructor(reservationId: string) {
    super(`Reservation ${reservationId} is not due yet`);
    this.name = ReservationNotDueError.name;
  }
}

/** Thin on purpose: the service decides, under locks and guarded updates, so redelivery is harmless. */
@Processor(RESERVATIONS_QUEUE)
export class ReservationExpiryProcessor {
  constructor(private readonly reservations: ReservationsService) {}

  @Process({ name: EXPIRE_JOB, concurrency: 4 })
  async expire(job: Job<ExpireJobData>): Promise<void> {
    const settled = await this.reservations.expire(job.data.reservationId, job.data.extendedCount ?? 0);
    if (!settled) throw new ReservationNotDueError(job.data.reservationId);
  }

  @Process(SWEEP_JOB)
  async sweep(): Promise<{ released: number }> {
    return { released: await this.reservations.expireOverdue() };
  }
}

/**
 * The sweep every RESERVATION_SWEEP_SECONDS: it finds overdue reservations in the
 * database, so expiry never depends on a delayed job surviving in Redis. Scheduled again
 * after Redis comes back empty, and run in-process while Redis is away.
 */
@Injectable()
export class ReservationSweepSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private stop?: () => void;

  constructor(
    private readonly queue: ReservationExpiryQueue,
    private readonly reservations: ReservationsService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.get('RESERVATION_SWEEP_SECONDS', { infer: true }) * 1000;
    this.stop = this.queue.keepSweepScheduled(everyMs, () => this.reservations.expireOverdue());
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}

/**
 * The expiry processor and the sweep's schedule: what a process with APP_ROLE `worker` or
 * `all` adds to the inventory module. An `api` process still enqueues the expiry jobs
 * (ReservationExpiryQueue); the workers run them.
 */
@Module({
  imports: [InventoryModule],
  providers: [ReservationExpiryProcessor, ReservationSweepSchedule],
})
export class InventoryJobsModule {}
