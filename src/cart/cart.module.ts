import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InventoryModule } from '../inventory';
import { OutboxModule } from '../outbox';
import { PricingModule } from '../pricing';
import { ProductsModule } from '../products';
import { Cart } from './cart.entity';
import { CartItem } from './cart-item.entity';
import { CartController } from './cart.controller';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';
import { CART_MAINTENANCE_QUEUE } from './cart-maintenance.queue';
import { CartReconciler } from './cart-reconciler';
import { IdempotencyModule } from '../shared/idempotency';
import { ReservationReleasedConsumer } from './reservation-released.consumer';
import { ReservationReleasedListener } from './reservation-released.listener';
import { SqlPools } from '../shared/database';

const maintenanceQueue = BullModule.registerQueue({ name: CART_MAINTENANCE_QUEUE });

/** The top of the module graph: nothing imports cart but the app and CartJobsModule. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Cart, CartItem]),
    IdempotencyModule,
    maintenanceQueue,
    ProductsModule,
    PricingModule,
    InventoryModule,
    OutboxModule,
  ],
  controllers: [CartController],
  providers: [
    SqlPools,
    CartRepository,
    CartService,
    CheckoutService,
    CartReconciler,
    ReservationReleasedListener,
    ReservationReleasedConsumer,
  ],
  // For CartJobsModule (cart-maintenance.processor.ts).
  exports: [maintenanceQueue, CartReconciler],
})
export class CartModule {}
