import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox';
import { ProductsModule } from '../products';
import { IdempotencyModule } from '../shared/idempotency';
import { EarlyRefusal } from './early-refusal';
import { InventoryController } from './inventory.controller';
import { InventoryService } from './inventory.service';
import { ReservationItem } from './reservation-item.entity';
import { RESERVATIONS_QUEUE, ReservationExpiryQueue } from './reservation-expiry.queue';
import { Reservation } from './reservation.entity';
import { ReservationRepository } from './reservation.repository';
import { ReservationsController } from './reservations.controller';
import { ReservationsService } from './reservations.service';
import { StockLevel } from './stock-level.entity';
import { StockMovement } from './stock-movement.entity';
import { StockStateChange } from './stock-state-change.entity';
import { StockRepository } from './stock.repository';
import { StockService } from './stock.service';
import { StockStateRecorder } from './stock-state-recorder';
import { SqlPools } from '../shared/database';

@Module({
  imports: [
    ProductsModule,
    OutboxModule,
    IdempotencyModule,
    TypeOrmModule.forFeature([StockLevel, StockMovement, StockStateChange, Reservation, ReservationItem]),
    BullModule.registerQueue({ name: RESERVATIONS_QUEUE }),
  ],
  controllers: [InventoryController, ReservationsController],
  providers: [
    SqlPools,
    StockRepository,
    ReservationRepository,
    StockService,
    StockStateRecorder,
    ReservationsService,
    EarlyRefusal,
    ReservationExpiryQueue,
    InventoryService,
  ],
  // ReservationsService and the queue serve InventoryJobsModule (reservation-expiry.processor.ts); other
  // modules reach inventory through InventoryService alone (the index exports nothing else).
  exports: [InventoryService, ReservationsService, ReservationExpiryQueue],
})
export class InventoryModule {}
