import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { escapeLike, pageWithTotal, SqlPools } from '../shared/database';
import { ReplicaReads } from '../shared/replica';
import { Money } from '../shared/money';
import { Variant, VariantAttributes } from './variant.entity';

/** A live variant with what pricing and carts need of its product and category. */
export interface VariantView {
  id: number;
  sku: string;
  attributes: VariantAttributes;
  priceAdjustment: Money;
  productId: number;
  productName: string;
  productBasePrice: Money;
  /** The list price before any rule: product base price + variant adjustment. */
  basePrice: Money;
  categoryId: number;
  /** The product's category first, then each ancestor up to the root. */
  categoryPath: number[];
}

/** The variants' queries. Deleted variants are hidden by TypeORM's soft-delete filter unless said otherwise. */
@Injectable()
export class VariantRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
    private readonly replica: ReplicaReads,
  ) {}

  /** A new, unsaved variant. */
  build(fields: Pick<Variant, 'productId' | 'sku' | 'priceAdjustment' | 'attributes'>): Variant {
    return this.dataSource.getRepository(Variant).create(fields);
  }

  /** Inserts or updates the variant; a taken SKU fails on VARIANT_SKU_INDEX. */
  save(tx: EntityManager, variant: Variant): Promise<Variant> {
    return tx.getRepository(Variant).save(variant);
  }

  /** Live variants, oldest first: of one product, and/or whose SKU starts with or product name contains `search`. */
  findPage(
    filter: { productId?: number; search?: string },
    limit: number,
    offset: number,
  ): Promise<[Variant[], number]> {
    // Replica-safe: a catalog page may lag the primary by the replica's bound.
    return this.replica.read((db) => {
      const builder = db.getRepository(Variant).createQueryBuilder('variant').orderBy('variant.id', 'ASC');
      if (filter.productId !== undefined)
        builder.andWhere('variant.productId = :productId', { productId: filter.productId });
      if (filter.search !== undefined) {
        const text = escapeLike(filter.search);
        builder
          .innerJoin('variant.product', 'product')
          .andWhere(`(variant.sku ILIKE :prefix ESCAPE '\\' OR product.name ILIKE :contains ESCAPE '\\')`, {
            prefix: `${text}%`,
            contains: `%${text}%`,
          });
      }
      return pageWithTotal(builder, limit, offset);
    });
  }

  findById(id: number): Promise<Variant | null> {
    return this.dataSource.getRepository(Variant).findOneBy({ id });
  }

  lockLive(tx: EntityManager, id: number): Promise<Variant | null> {
    return tx.getRepository(Variant).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Soft-deletes a live variant; false when there is none. */
  async softDelete(tx: EntityManager, id: number): Promise<boolean> {
    const result = await tx.getRepository(Variant).update({ id, deletedAt: IsNull() }, { deletedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  /** Live variants by id, in one query whatever the count; missing ids are absent. */
  async findViews(ids: readonly number[]): Promise<Map<number, VariantView>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // The category paths come with the rows (every quote and cart add asks): one round trip, not two.
    const rows = await this.sql.onReadPool<VariantRow[]>(
      `WITH RECURSIVE found AS (
         SELECT v.id, v.sku, v.attributes, v.price_adjustment_minor,
                p.id AS product_id, p.name AS product_name, p.base_price_minor, p.category_id
           FROM variants v
           JOIN products p ON p.id = v.product_id AND p.deleted_at IS NULL
          WHERE v.id = ANY($1) AND v.deleted_at IS NULL
       ),
       path AS (
         SELECT id AS leaf_id, id, parent_id, 0 AS depth
           FROM categories WHERE id IN (SELECT category_id FROM found)
         UNION ALL
         SELECT path.leaf_id, c.id, c.parent_id, path.depth + 1
           FROM categories c JOIN path ON c.id = path.parent_id
       )
       SELECT found.*,
              ARRAY(SELECT path.id FROM path WHERE path.leaf_id = found.category_id ORDER BY path.depth) AS category_path
         FROM found`,
      [unique],
    );
    return new Map(rows.map((row) => [row.id, viewOf(row)]));
  }

  /** Which of `ids` are variants still sold (neither they nor their product deleted): one query, no views. */
  async findLiveIds(ids: readonly number[]): Promise<Set<number>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Set();
    const rows = await this.sql.onReadPool<{ id: number }[]>(
      `SELECT v.id FROM variants v
         JOIN products p ON p.id = v.product_id AND p.deleted_at IS NULL
        WHERE v.id = ANY($1) AND v.deleted_at IS NULL`,
      [unique],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** True when the variant was ever created, deleted or not. */
  async everExisted(id: number): Promise<boolean> {
    const rows = await this.sql.onReadPool<unknown[]>(`SELECT 1 FROM variants WHERE id = $1`, [id]);
    return rows.length > 0;
  }
}

interface VariantRow {
  id: number;
  sku: string;
  attributes: VariantAttributes;
  price_adjustment_minor: string;
  product_id: number;
  product_name: string;
  base_price_minor: string;
  category_id: number;
  /** The category's id followed by its ancestors' ids up to the root. */
  category_path: number[];
}

function viewOf(row: VariantRow): VariantView {
  const priceAdjustment = Money.ofMinor(Number(row.price_adjustment_minor));
  const productBasePrice = Money.ofMinor(Number(row.base_price_minor));
  return {
    id: row.id,
    sku: row.sku,
    attributes: row.attributes,
    priceAdjustment,
    productId: row.product_id,
    productName: row.product_name,
    productBasePrice,
    basePrice: productBasePrice.plus(priceAdjustment),
    categoryId: row.category_id,
    categoryPath: row.category_path.length > 0 ? row.category_path : [row.category_id],
  };
}
