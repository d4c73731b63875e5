import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { logQueueErrors } from '../shared/queue';
import { IdempotencyService } from './idempotency.service';

export const CART_MAINTENANCE_QUEUE = 'cart-maintenance';
const PURGE_JOB = 'purge-idempotency-keys';
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Deletes expired Idempotency-Keys every hour. Lookups already ignore expired keys, so
 * this only keeps the table small; a missed run changes no answer.
 */
@Injectable()
export class IdempotencyPurgeScheduler implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(IdempotencyPurgeScheduler.name);

  constructor(@InjectQueue(CART_MAINTENANCE_QUEUE) private readonly queue: Queue) {}

  onModuleInit(): void {
    logQueueErrors(this.queue, this.logger, 'The cart maintenance queue cannot reach Redis');
  }

  onApplicationBootstrap(): void {
    // Repeatable jobs are keyed by name and interval: every instance adding it keeps one.
    this.queue
      .add(PURGE_JOB, {}, { repeat: { every: PURGE_EVERY_MS }, removeOnComplete: true, removeOnFail: 100 })
      .catch((error: unknown) => this.logger.error({ err: error }, 'Could not schedule the idempotency key purge'));
  }
}

@Processor(CART_MAINTENANCE_QUEUE)
export class IdempotencyPurgeProcessor {
  constructor(private readonly idempotency: IdempotencyService) {}

  @Process(PURGE_JOB)
  async purge(): Promise<{ purged: number }> {
    return { purged: await this.idempotency.purgeExpired() };
  }
}
