import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { CategoriesService, lockLiveCategory } from './categories.service';
import { CreateProductDto, ProductListQueryDto, UpdateProductDto } from './dto/product.dto';
import { Product } from './product.entity';
import { ProductNotFoundError } from './products.errors';
import { Variant } from './variant.entity';

@Injectable()
export class ProductsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Variant) private readonly variants: Repository<Variant>,
    private readonly categories: CategoriesService,
  ) {}

  async create(input: CreateProductDto): Promise<Product> {
    return this.dataSource.transaction(async (tx) => {
      await lockLiveCategory(tx, input.categoryId, 'pessimistic_read');
      const product = tx.getRepository(Product).create({
        name: input.name,
        description: input.description ?? null,
        categoryId: input.categoryId,
        basePrice: input.basePrice,
      });
      return tx.getRepository(Product).save(product);
    });
  }

  async list(query: ProductListQueryDto): Promise<[Product[], number]> {
    const builder = this.products.createQueryBuilder('product').orderBy('product.id', 'ASC');
    if (query.categoryId !== undefined) {
      const categoryIds = await this.categories.subtreeIds(query.categoryId);
      builder.andWhere('product.categoryId = ANY(:categoryIds)', { categoryIds });
    }
    if (query.search !== undefined) {
      builder.andWhere(`product.name ILIKE :pattern ESCAPE '\\'`, { pattern: `%${escapeLike(query.search)}%` });
    }
    return builder.take(query.limit).skip(query.offset).getManyAndCount();
  }

  async get(id: number): Promise<Product> {
    const product = await this.products.findOneBy({ id });
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  /** The product and its live variants, oldest first. */
  async getWithVariants(id: number): Promise<{ product: Product; variants: Variant[] }> {
    const product = await this.get(id);
    const variants = await this.variants.find({ where: { productId: id }, order: { id: 'ASC' } });
    return { product, variants };
  }

  async update(id: number, input: UpdateProductDto): Promise<Product> {
    return this.dataSource.transaction(async (tx) => {
      const product = await lockLiveProduct(tx, id, 'pessimistic_write');
      if (input.categoryId !== undefined && input.categoryId !== product.categoryId) {
        await lockLiveCategory(tx, input.categoryId, 'pessimistic_read');
        product.categoryId = input.categoryId;
      }
      if (input.name !== undefined) product.name = input.name;
      if (input.description !== undefined) product.description = input.description;
      if (input.basePrice !== undefined) product.basePrice = input.basePrice;
      return tx.getRepository(Product).save(product);
    });
  }

  /** Soft-deletes the product with its variants; their stock history stays. */
  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await lockLiveProduct(tx, id, 'pessimistic_write');
      // Only live variants: a variant deleted earlier keeps its own deletion time.
      await tx.getRepository(Variant).update({ productId: id, deletedAt: IsNull() }, { deletedAt: () => 'now()' });
      await tx.getRepository(Product).softDelete({ id });
    });
  }
}

/** Locks a live product row: FOR SHARE to attach a variant, FOR UPDATE to change or delete it. */
export async function lockLiveProduct(
  tx: EntityManager,
  id: number,
  mode: 'pessimistic_read' | 'pessimistic_write',
): Promise<Product> {
  const product = await tx.getRepository(Product).findOne({ where: { id }, lock: { mode } });
  if (!product) throw new ProductNotFoundError(id);
  return product;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
