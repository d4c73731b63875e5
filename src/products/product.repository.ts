import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { escapeLike, pageWithTotal, SqlPools } from '../shared/database';
import { ReplicaReads } from '../shared/replica';
import { Product } from './product.entity';
import { Variant } from './variant.entity';

export interface ProductFilter {
  /** Products in any of these categories. */
  categoryIds?: number[];
  /** Products whose name contains this text, case-insensitively. */
  nameContains?: string;
}

/** The products' queries. Deleted products are hidden by TypeORM's soft-delete filter. */
@Injectable()
export class ProductRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
    private readonly replica: ReplicaReads,
  ) {}

  /** A new, unsaved product. */
  build(fields: Pick<Product, 'name' | 'description' | 'categoryId' | 'basePrice'>): Product {
    return this.dataSource.getRepository(Product).create(fields);
  }

  save(tx: EntityManager, product: Product): Promise<Product> {
    return tx.getRepository(Product).save(product);
  }

  /** Replica-safe: a catalog page may lag the primary by the replica's bound. */
  findPage(filter: ProductFilter, limit: number, offset: number): Promise<[Product[], number]> {
    return this.replica.read((db) => {
      const builder = db.getRepository(Product).createQueryBuilder('product').orderBy('product.id', 'ASC');
      if (filter.categoryIds !== undefined) {
        builder.andWhere('product.categoryId = ANY(:categoryIds)', { categoryIds: filter.categoryIds });
      }
      if (filter.nameContains !== undefined) {
        builder.andWhere(`product.name ILIKE :pattern ESCAPE '\\'`, {
          pattern: `%${escapeLike(filter.nameContains)}%`,
        });
      }
      return pageWithTotal(builder, limit, offset);
    });
  }

  findById(id: number): Promise<Product | null> {
    return this.dataSource.getRepository(Product).findOneBy({ id });
  }

  /** The product's live variants, oldest first. */
  findVariants(productId: number): Promise<Variant[]> {
    return this.dataSource.getRepository(Variant).find({ where: { productId }, order: { id: 'ASC' } });
  }

  /** Locks a live product row: FOR SHARE to attach a variant, FOR UPDATE to change or delete it. Null when none. */
  lockLive(tx: EntityManager, id: number, mode: 'pessimistic_read' | 'pessimistic_write'): Promise<Product | null> {
    return tx.getRepository(Product).findOne({ where: { id }, lock: { mode } });
  }

  /** Soft-deletes the product and its live variants (a variant deleted earlier keeps its own deletion time). */
  /** Returns the variants it deleted with the product. */
  async softDeleteWithVariants(tx: EntityManager, id: number): Promise<Variant[]> {
    const variants = await this.liveVariants(tx, id);
    await tx.getRepository(Variant).update({ productId: id, deletedAt: IsNull() }, { deletedAt: () => 'now()' });
    await tx.getRepository(Product).softDelete({ id });
    return variants;
  }

  /** The live variants of a product, read in `tx` (under the product's lock, none is added meanwhile). */
  liveVariants(tx: EntityManager, productId: number): Promise<Variant[]> {
    return tx.getRepository(Variant).find({ where: { productId, deletedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** True when the product exists and is not deleted. */
  async existsLive(id: number): Promise<boolean> {
    const rows = await this.sql.onReadPool<unknown[]>(`SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL`, [
      id,
    ]);
    return rows.length > 0;
  }
}
