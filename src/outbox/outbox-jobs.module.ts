import { Module } from '@nestjs/common';
import { OutboxMaintenanceProcessor, OutboxMaintenanceSchedule } from './outbox-maintenance.queue';
import { OutboxRelay } from './outbox-relay';
import { OutboxModule } from './outbox.module';

/** The relay and the outbox's periodic jobs, for a process with APP_ROLE `worker` or `all`. */
@Module({
  imports: [OutboxModule],
  providers: [OutboxRelay, OutboxMaintenanceSchedule, OutboxMaintenanceProcessor],
  exports: [OutboxRelay],
})
export class OutboxJobsModule {}
