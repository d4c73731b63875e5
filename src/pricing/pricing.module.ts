import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InventoryModule } from '../inventory';
import { ProductsModule } from '../products';
import { OutboxModule } from '../outbox';
import { InvalidationBusModule } from '../shared/bus';
import { PricingRule } from './pricing-rule.entity';
import { PricingRuleRepository } from './pricing-rule.repository';
import { PricingRulesCache } from './pricing-rules.cache';
import { PricingRulesController } from './pricing-rules.controller';
import { PricingRulesService } from './pricing-rules.service';
import { PricingController } from './pricing.controller';
import { PricingService } from './pricing.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([PricingRule]),
    InvalidationBusModule,
    OutboxModule,
    ProductsModule,
    InventoryModule,
  ],
  // "pricing/rules/..." is a static segment and wins over "pricing/:variantId/..." whatever the order.
  controllers: [PricingRulesController, PricingController],
  providers: [PricingRuleRepository, PricingRulesCache, PricingRulesService, PricingService],
  exports: [PricingService],
})
export class PricingModule {}
