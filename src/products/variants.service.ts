import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxService } from '../outbox';
import { InvalidationBus } from '../shared/bus';
import { ReplicaReads } from '../shared/replica';
import { onUniqueViolation } from '../shared/database';
import { variantsChanged } from './catalog.cache';
import { variantChangedEvents } from './catalog-events';
import { Money } from '../shared/money';
import { CreateVariantDto, UpdateVariantDto, VariantListQueryDto } from './dto/variant.dto';
import { ProductRepository } from './product.repository';
import { ProductsService } from './products.service';
import { ProductNotFoundError, SkuTakenError, VariantNotFoundError } from './products.errors';
import { Variant, VARIANT_SKU_INDEX } from './variant.entity';
import { VariantRepository } from './variant.repository';

@Injectable()
export class VariantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly variants: VariantRepository,
    private readonly products: ProductRepository,
    private readonly productsService: ProductsService,
    private readonly bus: InvalidationBus,
    private readonly replica: ReplicaReads,
    private readonly outbox: OutboxService,
  ) {}

  async create(input: CreateVariantDto): Promise<Variant> {
    return this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      await this.productsService.lockLive(tx, input.productId, 'pessimistic_read');
      const variant = this.variants.build({
        productId: input.productId,
        sku: input.sku,
        priceAdjustment: input.priceAdjustment ?? Money.ZERO,
        attributes: input.attributes ?? {},
      });
      const saved = await this.saveWithSku(tx, variant);
      await this.outbox.publish(tx, variantChangedEvents([saved], 'CREATED'));
      return saved;
    });
  }

  async list(query: VariantListQueryDto): Promise<[Variant[], number]> {
    // Answers 404 for an unknown product rather than an empty page that hides a typo.
    if (query.productId !== undefined && !(await this.products.existsLive(query.productId))) {
      throw new ProductNotFoundError(query.productId);
    }
    return this.variants.findPage({ productId: query.productId, search: query.search }, query.limit, query.offset);
  }

  async get(id: number): Promise<Variant> {
    const variant = await this.variants.findById(id);
    if (!variant) throw new VariantNotFoundError(id);
    return variant;
  }

  async update(id: number, input: UpdateVariantDto): Promise<Variant> {
    return this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      const variant = await this.variants.lockLive(tx, id);
      if (!variant) throw new VariantNotFoundError(id);
      if (input.sku !== undefined) variant.sku = input.sku;
      if (input.priceAdjustment !== undefined) variant.priceAdjustment = input.priceAdjustment;
      if (input.attributes !== undefined) variant.attributes = input.attributes;
      await this.bus.publish(tx, variantsChanged([id]));
      const saved = await this.saveWithSku(tx, variant);
      await this.outbox.publish(tx, variantChangedEvents([saved], 'UPDATED'));
      return saved;
    });
  }

  /** Soft-deletes a variant: it leaves every read and cannot be sold; its stock history stays. */
  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      const variant = await this.variants.lockLive(tx, id);
      if (!variant || !(await this.variants.softDelete(tx, id))) throw new VariantNotFoundError(id);
      await this.bus.publish(tx, variantsChanged([id]));
      await this.outbox.publish(tx, variantChangedEvents([variant], 'DELETED'));
    });
  }

  private saveWithSku(tx: EntityManager, variant: Variant): Promise<Variant> {
    return onUniqueViolation(
      VARIANT_SKU_INDEX,
      () => new SkuTakenError(variant.sku),
      () => this.variants.save(tx, variant),
    );
  }
}
