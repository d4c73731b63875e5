import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox';
import { ProductsModule } from '../products';
import { IdempotencyModule } from '../shared/idempotency';
import { EarlyRefusal } from './reservations/early-refusal';
import { InventoryController } from './stock/inventory.controller';
import { InventoryService } from './inventory.service';
import { ReservationItem } from './reservations/reservation-item.entity';
import { RESERVATIONS_QUEUE, ReservationExpiryQueue } from './reservations/reservation-expiry.queue';
import { Reservation } from './reservations/reservation.entity';
import { ReservationRepository } from './reservations/reservation.repository';
import { ReservationsController } from './reservations/reservations.controller';
import { ReservationsService } from './reservations/reservations.service';
import { StockLevel } from './stock/stock-level.entity';
import { StockMovement } from './stock/stock-movement.entity';
import { StockStateChange } from './stock/stock-state-change.entity';
import { StockRepository } from './stock/stock.repository';
import { StockViews } from './stock/stock-views';
import { StockService } from './stock/stock.service';
import { StockStateRecorder } from './stock/stock-state-recorder';
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
    StockViews,
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
