import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { keepPeriodicJob, logQueueErrors } from '../shared/queue';

export const RESERVATIONS_QUEUE = 'reservations';
export const EXPIRE_JOB = 'expire';
export const SWEEP_JOB = 'sweep';

export interface ExpireJobData {
  reservationId: string;
}

/** One expire job per reservation: adding it twice keeps one, and confirm/cancel can find it. */
export const expireJobId = (reservationId: string) => `expire:${reservationId}`;

/**
 * The inventory module's only contact with Bull, so that moving to another queue touches
 * this file and the processor. Nothing here may fail a reservation: when Redis is down,
 * the failure is logged and the sweep (or the next checkout of the variant) releases the
 * stock once the reservation is overdue.
 */
@Injectable()
export class ReservationExpiryQueue implements OnModuleInit {
  private readonly logger = new Logger(ReservationExpiryQueue.name);

  constructor(@InjectQueue(RESERVATIONS_QUEUE) private readonly queue: Queue) {}

  onModuleInit(): void {
    logQueueErrors(this.queue, this.logger, 'The reservations queue cannot reach Redis; the sweep will catch up');
  }

  /**
   * Keeps the sweep scheduled across Redis restarts, and runs `sweep` in this process
   * while Redis is unreachable. Returns a function that stops the fallback.
   */
  keepSweepScheduled(everyMs: number, sweep: () => Promise<unknown>): () => void {
    return keepPeriodicJob(this.queue, { name: SWEEP_JOB, everyMs, runWhileQueueIsDown: sweep }, this.logger);
  }

  /**
   * Schedules the expiry of a committed reservation. Not awaited by requests: when Redis
   * is unreachable the command waits in the client's offline queue, and the caller must
   * not wait with it. The returned promise settles when Redis has answered.
   */
  scheduleExpiry(reservationId: string, expiresAt: Date): Promise<void> {
    const options: JobOptions = {
      jobId: expireJobId(reservationId),
      delay: Math.max(expiresAt.getTime() - Date.now(), 0),
      // A job that fires a little early (clocks) finds the reservation not yet due and
      // is retried; the sweep remains the backstop.
      attempts: 5,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    };
    return this.queue.add(EXPIRE_JOB, { reservationId } satisfies ExpireJobData, options).then(
      () => undefined,
      (error: unknown) =>
        this.logger.error({ err: error, reservationId }, 'Could not schedule a reservation expiry; the sweep will'),
    );
  }

  /** Best effort: a confirmed or cancelled reservation's job would find nothing to do anyway. */
  cancelExpiry(reservationId: string): Promise<void> {
    return this.queue
      .getJob(expireJobId(reservationId))
      .then((job) => job?.remove())
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error, reservationId }, 'Could not remove an expiry job'),
      );
  }
}
