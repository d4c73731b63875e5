import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { keepPeriodicJob, logQueueErrors } from '../../shared/queue';

export const RESERVATIONS_QUEUE = 'reservations';
export const EXPIRE_JOB = 'expire';
export const SWEEP_JOB = 'sweep';

export interface ExpireJobData {
  reservationId: string;
  /** The extension whose expiry time the job is for (absent: the first). */
  extendedCount?: number;
}

/**
 * One expire job per reservation and expiry time: adding it twice keeps one, confirm and
 * cancel can find it, and an extension's job never collides with the one it replaces.
 */
export const expireJobId = (reservationId: string, extendedCount = 0) =>
  extendedCount === 0 ? `expire:${reservationId}` : `expire:${reservationId}:${extendedCount}`;

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
  scheduleExpiry(reservationId: string, expiresAt: Date, extendedCount: number): Promise<void> {
    const options: JobOptions = {
      jobId: expireJobId(reservationId, extendedCount),
      delay: Math.max(expiresAt.getTime() - Date.now(), 0),
      // A job that fires a little early (clocks) finds the reservation not yet due and
      // is retried; the sweep remains the backstop.
      attempts: 5,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    };
    const data: ExpireJobData = { reservationId, extendedCount };
    return this.queue.add(EXPIRE_JOB, data, options).then(
      () => undefined,
      (error: unknown) =>
        this.logger.error({ err: error, reservationId }, 'Could not schedule a reservation expiry; the sweep will'),
    );
  }

  /**
   * Schedules the expiry of an extended reservation and removes the job of its previous
   * expiry time. Should that removal fail, the old job finds the reservation extended
   * and does nothing.
   */
  async moveExpiry(reservationId: string, expiresAt: Date, extendedCount: number): Promise<void> {
    await this.scheduleExpiry(reservationId, expiresAt, extendedCount);
    await this.cancelExpiry(reservationId, extendedCount - 1);
  }

  /** Best effort: a confirmed or cancelled reservation's job would find nothing to do anyway. */
  cancelExpiry(reservationId: string, extendedCount: number): Promise<void> {
    return this.queue
      .getJob(expireJobId(reservationId, extendedCount))
      .then((job) => job?.remove())
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error, reservationId }, 'Could not remove an expiry job'),
      );
  }
}
