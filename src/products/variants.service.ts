import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { onUniqueViolation } from '../shared/database';
import { Money } from '../shared/money';
import { CreateVariantDto, UpdateVariantDto, VariantListQueryDto } from './dto/variant.dto';
import { lockLiveProduct } from './products.service';
import { Product } from './product.entity';
import { ProductNotFoundError, SkuTakenError, VariantNotFoundError } from './products.errors';
import { Variant, VARIANT_SKU_INDEX } from './variant.entity';

@Injectable()
export class VariantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Variant) private readonly variants: Repository<Variant>,
    @InjectRepository(Product) private readonly products: Repository<Product>,
  ) {}

  async create(input: CreateVariantDto): Promise<Variant> {
    return this.dataSource.transaction(async (tx) => {
      await lockLiveProduct(tx, input.productId, 'pessimistic_read');
      const variant = tx.getRepository(Variant).create({
        productId: input.productId,
        sku: input.sku,
        priceAdjustment: input.priceAdjustment ?? Money.ZERO,
        attributes: input.attributes ?? {},
      });
      return onUniqueViolation(
        VARIANT_SKU_INDEX,
        () => new SkuTakenError(variant.sku),
        () => tx.getRepository(Variant).save(variant),
      );
    });
  }

  async list(query: VariantListQueryDto): Promise<[Variant[], number]> {
    if (query.productId !== undefined) {
      // Answers 404 for an unknown product rather than an empty page that hides a typo.
      const productExists = await this.products.existsBy({ id: query.productId });
      if (!productExists) throw new ProductNotFoundError(query.productId);
    }
    return this.variants.findAndCount({
      where: query.productId === undefined ? {} : { productId: query.productId },
      order: { id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
  }

  async get(id: number): Promise<Variant> {
    const variant = await this.variants.findOneBy({ id });
    if (!variant) throw new VariantNotFoundError(id);
    return variant;
  }

  async update(id: number, input: UpdateVariantDto): Promise<Variant> {
    return this.dataSource.transaction(async (tx) => {
      const variant = await tx.getRepository(Variant).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!variant) throw new VariantNotFoundError(id);
      if (input.sku !== undefined) variant.sku = input.sku;
      if (input.priceAdjustment !== undefined) variant.priceAdjustment = input.priceAdjustment;
      if (input.attributes !== undefined) variant.attributes = input.attributes;
      return onUniqueViolation(
        VARIANT_SKU_INDEX,
        () => new SkuTakenError(variant.sku),
        () => tx.getRepository(Variant).save(variant),
      );
    });
  }

  /** Soft-deletes a variant: it leaves every read and cannot be sold; its stock history stays. */
  async remove(id: number): Promise<void> {
    const result = await this.variants.update({ id, deletedAt: IsNull() }, { deletedAt: () => 'now()' });
    if (!result.affected) throw new VariantNotFoundError(id);
  }
}
