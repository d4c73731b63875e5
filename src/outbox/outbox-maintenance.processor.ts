import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { Env } from '../shared/config';
import { keepPeriodicJob, logQueueErrors } from '../shared/queue';
import { OUTBOX_QUEUE, PURGE_JOB, RELAY_JOB } from './outbox-maintenance.queue';
import { OutboxRelay } from './outbox-relay';
import { OutboxModule } from './outbox.module';
import { OutboxRepository } from './outbox.repository';

const PURGE_EVERY_MS = 60 * 60 * 1000;
const RELAY_EVERY_MS = 15 * 1000;
const PURGE_BATCH = 5_000;

/**
 * The outbox's periodic work: every hour, purging events and deliveries settled longer ago
 * than OUTBOX_RETENTION_HOURS (pending ones are never purged); and, as a backstop to the
 * relay's own wake-ups, a job that wakes a relay every 15 s.
 */
@Injectable()
export class OutboxMaintenanceSchedule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxMaintenanceSchedule.name);
  private readonly stops: (() => void)[] = [];

  constructor(@InjectQueue(OUTBOX_QUEUE) private readonly queue: Queue) {}

  onModuleInit(): void {
    logQueueErrors(this.queue, this.logger, 'The outbox maintenance queue cannot reach Redis');
  }

  onApplicationBootstrap(): void {
    this.stops.push(
      keepPeriodicJob(this.queue, { name: PURGE_JOB, everyMs: PURGE_EVERY_MS }, this.logger),
      keepPeriodicJob(this.queue, { name: RELAY_JOB, everyMs: RELAY_EVERY_MS }, this.logger),
    );
  }

  onModuleDestroy(): void {
    this.stops.forEach((stop) => stop());
  }
}

@Processor(OUTBOX_QUEUE)
export class OutboxMaintenanceProcessor {
  private readonly logger = new Logger(OutboxMaintenanceProcessor.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly config: ConfigService<Env, true>,
  ) {}

  @Process(PURGE_JOB)
  async purge(): Promise<{ events: number; deliveries: number }> {
    const hours = this.config.get('OUTBOX_RETENTION_HOURS', { infer: true });
    const cutoff = new Date(Date.now() - hours * 3_600_000);
    const totals = { events: 0, deliveries: 0 };
    for (;;) {
      const purged = await this.outbox.purgeSettled(cutoff, PURGE_BATCH);
      totals.events += purged.events;
      totals.deliveries += purged.deliveries;
      if (purged.events < PURGE_BATCH && purged.deliveries < PURGE_BATCH) break;
    }
    if (totals.events + totals.deliveries > 0) this.logger.log(totals, 'Settled outbox events purged');
    return totals;
  }

  @Process(RELAY_JOB)
  relayNow(): void {
    this.relay.wake();
  }
}

/** The relay and the outbox's periodic jobs, for a process with APP_ROLE `worker` or `all`. */
@Module({
  imports: [OutboxModule],
  providers: [OutboxRelay, OutboxMaintenanceSchedule, OutboxMaintenanceProcessor],
  exports: [OutboxRelay],
})
export class OutboxJobsModule {}
