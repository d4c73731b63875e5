import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InventoryModule } from '../inventory';
import { OutboxModule } from '../outbox';
import { PricingModule } from '../pricing';
import { ProductsModule } from '../products';
import { SqlPools } from '../shared/database';
import { IdempotencyModule } from '../shared/idempotency';
import { Cart } from './cart.entity';
import { CartItem } from './cart-item.entity';
import { CartController } from './cart.controller';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';
import { ReservationReleasedConsumer } from './reservation-released.consumer';

/** The top of the module graph: nothing imports cart but the app. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Cart, CartItem]),
    IdempotencyModule,
    ProductsModule,
    PricingModule,
    InventoryModule,
    OutboxModule,
  ],
  controllers: [CartController],
  providers: [SqlPools, CartRepository, CartService, CheckoutService, ReservationReleasedConsumer],
})
export class CartModule {}
