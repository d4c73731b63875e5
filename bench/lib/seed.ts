import { Pool } from 'pg';
import { SchemaFeatures } from './schema';

/**
 * Bulk catalog and stock for the scenarios, written with SQL: tens of thousands of
 * variants through the HTTP API would take longer than the scenarios themselves. Every
 * stock row gets its RESTOCK ledger row, so the inventory audit holds from the start.
 * Rules and carts, whose writes are part of what is measured, go through the API.
 */

export interface CategoryTree {
  rootId: number;
  topIds: number[];
  leafIds: number[];
}

const TOP_CATEGORIES = 10;
const LEAVES_PER_TOP = 10;
const VARIANTS_PER_PRODUCT = 4;

/** A root with 10 categories of 10 leaves each. */
export async function seedCategoryTree(db: Pool): Promise<CategoryTree> {
  const root = await db.query<{ id: number }>(`INSERT INTO categories (name) VALUES ('Bench') RETURNING id`);
  const rootId = root.rows[0].id;
  const tops = await db.query<{ id: number }>(
    `INSERT INTO categories (name, parent_id)
     SELECT format('Department %s', g), $1 FROM generate_series(1, $2) g ORDER BY g RETURNING id`,
    [rootId, TOP_CATEGORIES],
  );
  const topIds = tops.rows.map((row) => row.id);
  const leaves = await db.query<{ id: number }>(
    `INSERT INTO categories (name, parent_id)
     SELECT format('Aisle %s', g), top FROM unnest($1::int[]) top, generate_series(1, $2) g RETURNING id`,
    [topIds, LEAVES_PER_TOP],
  );
  return { rootId, topIds, leafIds: leaves.rows.map((row) => row.id) };
}

/**
 * `count` variants (4 per product, products spread over the leaves), each with `onHand`
 * in stock when given. Returns the variant ids in ascending order.
 */
export async function seedVariants(
  db: Pool,
  options: { label: string; count: number; leafIds: number[]; onHand?: number },
): Promise<number[]> {
  const products = await db.query<{ id: number }>(
    `INSERT INTO products (name, category_id, base_price_minor)
     SELECT format('%s product %s', $1::text, g), ($2::int[])[1 + g % cardinality($2::int[])], 1000 + (g % 90) * 100
       FROM generate_series(0, $3 - 1) g ORDER BY g RETURNING id`,
    [options.label, options.leafIds, Math.ceil(options.count / VARIANTS_PER_PRODUCT)],
  );
  const variants = await db.query<{ id: number }>(
    `INSERT INTO variants (product_id, sku, price_adjustment_minor, attributes)
     SELECT product, format('BENCH-%s-%s-%s', upper($1::text), product, size), size * 50,
            jsonb_build_object('size', (ARRAY['S', 'M', 'L', 'XL'])[size + 1])
       FROM unnest($2::int[]) product, generate_series(0, $3 - 1) size
      ORDER BY product, size LIMIT $4
     RETURNING id`,
    [options.label, products.rows.map((row) => row.id), VARIANTS_PER_PRODUCT, options.count],
  );
  const variantIds = variants.rows.map((row) => row.id).sort((a, b) => a - b);
  if (options.onHand !== undefined) await seedStock(db, variantIds, options.onHand);
  return variantIds;
}

export async function seedStock(db: Pool, variantIds: number[], onHand: number): Promise<void> {
  await db.query(
    `WITH stocked AS (
       INSERT INTO stock_levels (variant_id, on_hand) SELECT unnest($1::int[]), $2 RETURNING variant_id, on_hand
     )
     INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, actor, note)
     SELECT variant_id, 'RESTOCK', on_hand, 0, on_hand, 0, 'bench', 'bench seed' FROM stocked ORDER BY variant_id`,
    [variantIds, onHand],
  );
}

/**
 * Caps what one customer may buy of each variant, per order and per hour, as PUT …/limits
 * does. A schema without purchase limits (an older build) is left as it is: returns false.
 */
export async function setPurchaseLimit(
  db: Pool,
  schema: SchemaFeatures,
  variantIds: number[],
  units: number,
): Promise<boolean> {
  if (!schema.purchaseLimits) return false;
  const bumpVersion = schema.stockVersion ? ', version = version + 1' : '';
  await db.query(
    `UPDATE stock_levels SET max_per_order = $2, max_per_customer = $2, limit_window_seconds = 3600${bumpVersion}
      WHERE variant_id = ANY($1::int[])`,
    [variantIds, units],
  );
  return true;
}

/** `count` pricing rules of every kind and scope, as the admin API takes them. */
export function ruleBodies(
  count: number,
  scopes: { categoryIds: number[]; productIds: number[]; variantIds: number[] },
) {
  const now = Date.now();
  const conditions = [
    { kind: 'QUANTITY', condition: { minQuantity: 10 } },
    { kind: 'CUSTOMER_TIER', condition: { tier: 'GOLD' } },
    {
      kind: 'SCHEDULE',
      condition: { startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() },
    },
    { kind: 'STOCK_LEVEL', condition: { maxAvailable: 5 } },
    { kind: 'QUANTITY', condition: { minQuantity: 5 } },
  ];
  const effects = [
    { type: 'PERCENT_OFF', value: '5.00' },
    { type: 'PERCENT_OFF', value: '12.50' },
    { type: 'AMOUNT_OFF', value: '1.00' },
    { type: 'PERCENT_MARKUP', value: '10.00' },
  ];
  const scopeOf = (index: number) => {
    switch (index % 4) {
      case 0:
        return { type: 'GLOBAL', id: null };
      case 1:
        return { type: 'CATEGORY', id: scopes.categoryIds[index % scopes.categoryIds.length] };
      case 2:
        return { type: 'PRODUCT', id: scopes.productIds[index % scopes.productIds.length] };
      default:
        return { type: 'VARIANT', id: scopes.variantIds[index % scopes.variantIds.length] };
    }
  };
  return Array.from({ length: count }, (_, index) => ({
    name: `Bench rule ${index + 1}`,
    ...conditions[index % conditions.length],
    scope: scopeOf(index),
    effect: effects[index % effects.length],
    priority: index % 3,
    stackable: index % 5 !== 4,
    active: true,
  }));
}

export async function productIdsOf(db: Pool, variantIds: number[]): Promise<number[]> {
  const rows = await db.query<{ product_id: number }>(
    `SELECT DISTINCT product_id FROM variants WHERE id = ANY($1::int[]) ORDER BY product_id`,
    [variantIds],
  );
  return rows.rows.map((row) => row.product_id);
}
