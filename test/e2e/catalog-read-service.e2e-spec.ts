import { CatalogService } from '../../src/products';
import { createCategory, createProduct, createVariant } from '../support/catalog.factory';
import { startTestApp, TestApp } from '../support/test-app';

describe(CatalogService.name, () => {
  let t: TestApp;
  let catalog: CatalogService;

  beforeAll(async () => {
    t = await startTestApp();
    catalog = t.app.get(CatalogService);
  });

  afterAll(async () => {
    await t.close();
  });

  it('returns a variant with its product, list price and category path up to the root', async () => {
    const root = await createCategory(t);
    const child = await createCategory(t, { parentId: root });
    const leaf = await createCategory(t, { parentId: child });
    const productId = await createProduct(t, { categoryId: leaf, basePrice: '500.00', name: 'Path Tee' });
    const { id, sku } = await createVariant(t, { productId, priceAdjustment: '50.00', attributes: { size: 'M' } });

    const view = await catalog.getVariant(id);

    expect(view).toMatchObject({ id, sku, productId, productName: 'Path Tee', categoryId: leaf });
    expect(view.attributes).toEqual({ size: 'M' });
    expect(view.productBasePrice.minor).toBe(50_000);
    expect(view.priceAdjustment.minor).toBe(5_000);
    expect(view.basePrice.format()).toBe('550.00');
    expect(view.categoryPath).toEqual([leaf, child, root]);
  });

  it('looks many variants up at once and leaves out unknown ids', async () => {
    const productId = await createProduct(t);
    const first = await createVariant(t, { productId });
    const second = await createVariant(t, { productId });

    const views = await catalog.findVariants([first.id, second.id, first.id, 2_000_000_000]);

    expect([...views.keys()].sort((a, b) => a - b)).toEqual([first.id, second.id]);
  });

  it('does not return a deleted variant', async () => {
    const { id } = await createVariant(t);
    await t.http.delete(`/api/products/variants/${id}`).set('authorization', t.admin).expect(204);

    expect(await catalog.findVariant(id)).toBeNull();
    await expect(catalog.getVariant(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('does not return the variants of a deleted product', async () => {
    const productId = await createProduct(t);
    const { id } = await createVariant(t, { productId });
    await t.http.delete(`/api/products/${productId}`).set('authorization', t.admin).expect(204);

    expect(await catalog.findVariant(id)).toBeNull();
  });

  it('tells which variants are still sold, leaving out deleted ones, those of deleted products and unknown ids', async () => {
    const productId = await createProduct(t);
    const sold = await createVariant(t, { productId });
    const deleted = await createVariant(t, { productId });
    const goneProductId = await createProduct(t);
    const ofGoneProduct = await createVariant(t, { productId: goneProductId });
    await t.http.delete(`/api/products/variants/${deleted.id}`).set('authorization', t.admin).expect(204);
    await t.http.delete(`/api/products/${goneProductId}`).set('authorization', t.admin).expect(204);

    const live = await catalog.liveVariantIds([sold.id, deleted.id, ofGoneProduct.id, sold.id, 2_000_000_000]);

    expect([...live]).toEqual([sold.id]);
    expect((await catalog.liveVariantIds([])).size).toBe(0);
  });

  it('answers an empty lookup without a query', async () => {
    expect((await catalog.findVariants([])).size).toBe(0);
  });
});
