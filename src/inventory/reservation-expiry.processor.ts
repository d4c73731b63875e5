import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { EXPIRE_JOB, ExpireJobData, RESERVATIONS_QUEUE, SWEEP_JOB } from './reservation-expiry.queue';
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
    const settled = await this.reservations.expire(job.data.reservationId);
    if (!settled) throw new ReservationNotDueError(job.data.reservationId);
  }

  @Process(SWEEP_JOB)
  async sweep(): Promise<{ released: number }> {
    return { released: await this.reservations.expireOverdue() };
  }
}
