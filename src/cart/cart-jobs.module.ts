import { Module } from '@nestjs/common';
import { CartMaintenanceProcessor, CartMaintenanceSchedule } from './cart-maintenance.queue';
import { CartModule } from './cart.module';

/** The cart maintenance processor and its schedules, for a process with APP_ROLE `worker` or `all`. */
@Module({
  imports: [CartModule],
  providers: [CartMaintenanceSchedule, CartMaintenanceProcessor],
})
export class CartJobsModule {}
