import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InventoryModule } from '../inventory';
import { PricingModule } from '../pricing';
import { ProductsModule } from '../products';
import { Cart } from './cart.entity';
import { CartItem } from './cart-item.entity';
import { CartController } from './cart.controller';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';
import { IdempotencyKey } from './idempotency-key.entity';
import { CART_MAINTENANCE_QUEUE, CartMaintenanceProcessor, CartMaintenanceSchedule } from './cart-maintenance.queue';
import { CartReconciler } from './cart-reconciler';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';
import { ReservationReleasedListener } from './reservation-released.listener';

/** The top of the module graph: nothing imports cart. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Cart, CartItem, IdempotencyKey]),
    BullModule.registerQueue({ name: CART_MAINTENANCE_QUEUE }),
    ProductsModule,
    PricingModule,
    InventoryModule,
  ],
  controllers: [CartController],
  providers: [
    CartRepository,
    CartService,
    CheckoutService,
    IdempotencyRepository,
    IdempotencyService,
    CartReconciler,
    CartMaintenanceSchedule,
    CartMaintenanceProcessor,
    ReservationReleasedListener,
  ],
})
export class CartModule {}
