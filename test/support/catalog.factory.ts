import { Money } from '../../src/shared/money';
import { Harness, unique } from './test-app';

/**
 * Catalog rows written straight into the database, as the admin routes would write them:
 * a test arranges its data in a few statements, and only the route under test is called.
 */
export interface CatalogFixture {
  categoryId: number;
  productId: number;
  variantId: number;
  sku: string;
}

type Database = Pick<Harness, 'dataSource'>;

export async function newCategory(
  t: Database,
  fields: { name?: string; description?: string | null; parentId?: number | null } = {},
): Promise<number> {
  const [{ id }] = await t.dataSource.query(
    'INSERT INTO categories (name, description, parent_id) VALUES ($1, $2, $3) RETURNING id',
    [fields.name ?? unique('Category'), fields.description ?? null, fields.parentId ?? null],
  );
  return id as number;
}

/** A product (500.00 unless `basePrice` says otherwise) in `categoryId`, or in a new category. */
export async function newProduct(
  t: Database,
  fields: { name?: string; description?: string | null; categoryId?: number; basePrice?: string } = {},
): Promise<number> {
  const categoryId = fields.categoryId ?? (await newCategory(t));
  const [{ id }] = await t.dataSource.query(
    `INSERT INTO products (name, description, category_id, base_price_minor) VALUES ($1, $2, $3, $4) RETURNING id`,
    [fields.name ?? unique('Product'), fields.description ?? null, categoryId, minorOf(fields.basePrice ?? '500.00')],
  );
  return id as number;
}

/** A variant (price adjustment 50.00 unless told otherwise) of `productId`, or of a new product. */
export async function newVariant(
  t: Database,
  fields: { productId?: number; sku?: string; priceAdjustment?: string; attributes?: Record<string, unknown> } = {},
): Promise<{ id: number; sku: string }> {
  const productId = fields.productId ?? (await newProduct(t));
  const sku = fields.sku ?? unique('SKU').toUpperCase();
  const [{ id }] = await t.dataSource.query(
    `INSERT INTO variants (product_id, sku, price_adjustment_minor, attributes) VALUES ($1, $2, $3, $4) RETURNING id`,
    [productId, sku, minorOf(fields.priceAdjustment ?? '50.00'), JSON.stringify(fields.attributes ?? {})],
  );
  return { id: id as number, sku };
}

/** A category with one product and one variant. */
export async function newCatalog(t: Database): Promise<CatalogFixture> {
  const categoryId = await newCategory(t);
  const productId = await newProduct(t, { categoryId });
  const { id: variantId, sku } = await newVariant(t, { productId });
  return { categoryId, productId, variantId, sku };
}

function minorOf(amount: string): number {
  return Money.parse(amount).minor;
}
