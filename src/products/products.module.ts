import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox';
import { InvalidationBusModule } from '../shared/bus';
import { ReplicaReads, ReplicaReadsModule } from '../shared/replica';
import { CatalogCache, CatalogTopics } from './catalog.cache';
import { CatalogService } from './catalog.service';
import { CategoriesController } from './categories.controller';
import { CategoriesService } from './categories.service';
import { Category } from './category.entity';
import { CategoryRepository } from './category.repository';
import { Product } from './product.entity';
import { ProductRepository } from './product.repository';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';
import { Variant } from './variant.entity';
import { VariantRepository } from './variant.repository';
import { VariantsController } from './variants.controller';
import { VariantsService } from './variants.service';
import { SqlPools } from '../shared/database';

@Module({
  imports: [
    TypeOrmModule.forFeature([Category, Product, Variant]),
    InvalidationBusModule,
    ReplicaReadsModule,
    OutboxModule,
  ],
  // Static segments (categories, variants) win over ":id" in Fastify's router whatever
  // the order; listing them first keeps the intent readable.
  controllers: [CategoriesController, VariantsController, ProductsController],
  providers: [
    SqlPools,
    CatalogCache,
    CategoryRepository,
    ProductRepository,
    VariantRepository,
    CategoriesService,
    ProductsService,
    VariantsService,
    CatalogService,
  ],
  exports: [CatalogService],
})
export class ProductsModule {
  constructor(replica: ReplicaReads) {
    // Catalog lists read on the replica must show the catalog writes this instance hears of.
    for (const topic of Object.values(CatalogTopics)) replica.followWritesOf(topic);
  }
}
