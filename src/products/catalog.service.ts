import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Money } from '../shared/money';
import { VariantNotFoundError } from './products.errors';
import { VariantAttributes } from './variant.entity';
import { queryForRead } from '../shared/database';

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

/**
 * The products module's public read service: other modules look variants up here,
 * never in the catalog tables.
 */
@Injectable()
export class CatalogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The live variant, or null when it does not exist or was deleted (with its product). */
  async findVariant(id: number): Promise<VariantView | null> {
    const views = await this.findVariants([id]);
    return views.get(id) ?? null;
  }

  /** The live variant; throws VariantNotFoundError otherwise. */
  async getVariant(id: number): Promise<VariantView> {
    const view = await this.findVariant(id);
    if (!view) throw new VariantNotFoundError(id);
    return view;
  }

  /** Live variants by id, in one query whatever the count; missing ids are absent. */
  async findVariants(ids: readonly number[]): Promise<Map<number, VariantView>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // The category paths come with the rows (every quote and cart add asks): one round trip, not two.
    const rows = await queryForRead<VariantRow[]>(
      this.dataSource,
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
    return new Map(
      rows.map((row) => [row.id, toView(row, row.category_path.length > 0 ? row.category_path : [row.category_id])]),
    );
  }

  /** Which of `ids` are variants still sold (neither they nor their product deleted): one query, no views. */
  async liveVariantIds(ids: readonly number[]): Promise<Set<number>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Set();
    const rows = await queryForRead<{ id: number }[]>(
      this.dataSource,
      `SELECT v.id FROM variants v
         JOIN products p ON p.id = v.product_id AND p.deleted_at IS NULL
        WHERE v.id = ANY($1) AND v.deleted_at IS NULL`,
      [unique],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** True when the category exists and is not deleted. */
  async categoryExists(id: number): Promise<boolean> {
    return this.liveRowExists('categories', id);
  }

  /** True when the product exists and is not deleted. */
  async productExists(id: number): Promise<boolean> {
    return this.liveRowExists('products', id);
  }

  /** True when the variant was ever created, deleted or not: stock history outlives it. */
  async variantEverExisted(id: number): Promise<boolean> {
    const rows = await queryForRead<unknown[]>(this.dataSource, `SELECT 1 FROM variants WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  private async liveRowExists(table: 'categories' | 'products', id: number): Promise<boolean> {
    // The table name is one of two literals above, never input.
    const sql = `SELECT 1 FROM ${table} WHERE id = $1 AND deleted_at IS NULL`;
    const rows = await queryForRead<unknown[]>(this.dataSource, sql, [id]);
    return rows.length > 0;
  }
}

function toView(row: VariantRow, categoryPath: number[]): VariantView {
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
    categoryPath,
  };
}
