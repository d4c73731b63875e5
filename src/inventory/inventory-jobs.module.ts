import { Module } from '@nestjs/common';
import { InventoryModule } from './inventory.module';
import { ReservationExpiryProcessor, ReservationSweepSchedule } from './reservation-expiry.processor';

/**
 * The reservation expiry processor and the sweep's schedule: what a process with
 * APP_ROLE `worker` or `all` adds to the inventory module. An `api` process still
 * enqueues the expiry jobs; the workers run them.
 */
@Module({
  imports: [InventoryModule],
  providers: [ReservationExpiryProcessor, ReservationSweepSchedule],
})
export class InventoryJobsModule {}
