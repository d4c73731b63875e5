import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { keepPeriodicJob, logQueueErrors } from '../queue';
import { IDEMPOTENCY_QUEUE, PURGE_JOB } from './idempotency-purge.queue';
import { IdempotencyModule } from './idempotency.module';
import { IdempotencyService } from './idempotency.service';

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Every hour, deleting expired Idempotency-Keys. Lookups already ignore them, so a missed
 * run changes no answer; the table just stops growing.
 */
@Injectable()
export class IdempotencyPurgeSchedule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyPurgeSchedule.name);
  private stop?: () => void;

  constructor(@InjectQueue(IDEMPOTENCY_QUEUE) private readonly queue: Queue) {}

  onModuleInit(): void {
    logQueueErrors(this.queue, this.logger, 'The idempotency queue cannot reach Redis');
  }

  onApplicationBootstrap(): void {
    this.stop = keepPeriodicJob(this.queue, { name: PURGE_JOB, everyMs: PURGE_EVERY_MS }, this.logger);
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}

@Processor(IDEMPOTENCY_QUEUE)
export class IdempotencyPurgeProcessor {
  constructor(private readonly idempotency: IdempotencyService) {}

  @Process(PURGE_JOB)
  async purge(): Promise<{ purged: number }> {
    return { purged: await this.idempotency.purgeExpired() };
  }
}

/** The purge's processor and schedule, for a process with APP_ROLE `worker` or `all`. */
@Module({
  imports: [IdempotencyModule],
  providers: [IdempotencyPurgeSchedule, IdempotencyPurgeProcessor],
})
export class IdempotencyJobsModule {}
