import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxService } from '../outbox';
import { InvalidationBus } from '../shared/bus';
import { ReplicaReads } from '../shared/replica';
import { productsChanged } from './catalog.cache';
import { variantChangedEvents } from './catalog-events';
import { CategoriesService } from './categories.service';
import { CreateProductDto, ProductListQueryDto, UpdateProductDto } from './dto/product.dto';
import { Product } from './product.entity';
import { ProductRepository } from './product.repository';
import { ProductNotFoundError } from './products.errors';
import { Variant } from './variant.entity';

@Injectable()
export class ProductsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly products: ProductRepository,
    private readonly categories: CategoriesService,
    private readonly bus: InvalidationBus,
    private readonly replica: ReplicaReads,
    private readonly outbox: OutboxService,
  ) {}

  async create(input: CreateProductDto): Promise<Product> {
    return this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      await this.categories.lockLive(tx, input.categoryId, 'pessimistic_read');
      const product = this.products.build({
        name: input.name,
        description: input.description ?? null,
        categoryId: input.categoryId,
        basePrice: input.basePrice,
      });
      return this.products.save(tx, product);
    });
  }

  async list(query: ProductListQueryDto): Promise<[Product[], number]> {
    const categoryIds = query.categoryId === undefined ? undefined : await this.categories.subtreeIds(query.categoryId);
    return this.products.findPage({ categoryIds, nameContains: query.search }, query.limit, query.offset);
  }

  async get(id: number): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  /** The product and its live variants, oldest first. */
  async getWithVariants(id: number): Promise<{ product: Product; variants: Variant[] }> {
    const product = await this.get(id);
    const variants = await this.products.findVariants(id);
    return { product, variants };
  }

  async update(id: number, input: UpdateProductDto): Promise<Product> {
    return this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      const product = await this.lockLive(tx, id, 'pessimistic_write');
      if (input.categoryId !== undefined && input.categoryId !== product.categoryId) {
        await this.categories.lockLive(tx, input.categoryId, 'pessimistic_read');
        product.categoryId = input.categoryId;
      }
      if (input.name !== undefined) product.name = input.name;
      if (input.description !== undefined) product.description = input.description;
      if (input.basePrice !== undefined) product.basePrice = input.basePrice;
      await this.bus.publish(tx, productsChanged([id]));
      const saved = await this.products.save(tx, product);
      // Each variant reads its product's name, price and category.
      await this.outbox.publish(tx, variantChangedEvents(await this.products.liveVariants(tx, id), 'UPDATED'));
      return saved;
    });
  }

  /** Soft-deletes the product with its variants; their stock history stays. */
  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      await this.lockLive(tx, id, 'pessimistic_write');
      const variants = await this.products.softDeleteWithVariants(tx, id);
      await this.bus.publish(tx, productsChanged([id]));
      await this.outbox.publish(tx, variantChangedEvents(variants, 'DELETED'));
    });
  }

  /** Locks a live product: FOR SHARE to attach a variant, FOR UPDATE to change or delete it. */
  async lockLive(tx: EntityManager, id: number, mode: 'pessimistic_read' | 'pessimistic_write'): Promise<Product> {
    const product = await this.products.lockLive(tx, id, mode);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }
}
