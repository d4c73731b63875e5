import { TestApp, unique } from './test-app';

export interface CatalogFixture {
  categoryId: number;
  productId: number;
  variantId: number;
  sku: string;
}

export async function createCategory(t: TestApp, body: Record<string, unknown> = {}): Promise<number> {
  const response = await t.http
    .post('/api/products/categories')
    .set('authorization', t.admin)
    .send({ name: unique('Category'), ...body })
    .expect(201);
  return response.body.id as number;
}

export async function createProduct(t: TestApp, body: Record<string, unknown> = {}): Promise<number> {
  const categoryId = (body.categoryId as number | undefined) ?? (await createCategory(t));
  const response = await t.http
    .post('/api/products')
    .set('authorization', t.admin)
    .send({ name: unique('Product'), basePrice: '500.00', ...body, categoryId })
    .expect(201);
  return response.body.id as number;
}

export async function createVariant(
  t: TestApp,
  body: Record<string, unknown> = {},
): Promise<{ id: number; sku: string }> {
  const productId = (body.productId as number | undefined) ?? (await createProduct(t));
  const sku = (body.sku as string | undefined) ?? unique('SKU').toUpperCase();
  const response = await t.http
    .post('/api/products/variants')
    .set('authorization', t.admin)
    .send({ priceAdjustment: '50.00', ...body, productId, sku })
    .expect(201);
  return { id: response.body.id as number, sku };
}

/** A category with one product and one variant. */
export async function createCatalog(t: TestApp): Promise<CatalogFixture> {
  const categoryId = await createCategory(t);
  const productId = await createProduct(t, { categoryId });
  const { id: variantId, sku } = await createVariant(t, { productId });
  return { categoryId, productId, variantId, sku };
}
