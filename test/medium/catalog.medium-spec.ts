import { CatalogService } from '../../src/products';
import { ProductsService } from '../../src/products/products.service';
import { VariantsService } from '../../src/products/variants.service';
import { newCategory, newProduct, newVariant } from '../support/catalog.factory';
import { MediumContext, startMediumContext } from '../support/medium';

describe(CatalogService.name, () => {
  let t: MediumContext;
  let catalog: CatalogService;

  beforeAll(async () => {
    t = await startMediumContext();
    catalog = t.get(CatalogService);
  });

  afterAll(async () => {
    await t.close();
  });

  // Deleted as the admin routes delete them: a product takes its live variants with it.
  const deleteVariant = (id: number) => t.get(VariantsService).remove(id);
  const deleteProduct = (id: number) => t.get(ProductsService).remove(id);

  it('returns a variant with its product, list price and category path up to the root', async () => {
    const root = await newCategory(t);
    const child = await newCategory(t, { parentId: root });
    const leaf = await newCategory(t, { parentId: child });
    const productId = await newProduct(t, { categoryId: leaf, basePrice: '500.00', name: 'Path Tee' });
    const { id, sku } = await newVariant(t, { productId, priceAdjustment: '50.00', attributes: { size: 'M' } });

    const view = await catalog.getVariant(id);

    expect(view).toMatchObject({ id, sku, productId, productName: 'Path Tee', categoryId: leaf });
    expect(view.attributes).toEqual({ size: 'M' });
    expect(view.productBasePrice.minor).toBe(50_000);
    expect(view.priceAdjustment.minor).toBe(5_000);
    expect(view.basePrice.format()).toBe('550.00');
    expect(view.categoryPath).toEqual([leaf, child, root]);
  });

  it('looks many variants up at once and leaves out unknown ids', async () => {
    const productId = await newProduct(t);
    const first = await newVariant(t, { productId });
    const second = await newVariant(t, { productId });

    const views = await catalog.findVariants([first.id, second.id, first.id, 2_000_000_000]);

    expect([...views.keys()].sort((a, b) => a - b)).toEqual([first.id, second.id]);
  });

  it('does not return a deleted variant', async () => {
    const { id } = await newVariant(t);
    await deleteVariant(id);

    expect(await catalog.findVariant(id)).toBeNull();
    await expect(catalog.getVariant(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('does not return the variants of a deleted product', async () => {
    const productId = await newProduct(t);
    const { id } = await newVariant(t, { productId });
    await deleteProduct(productId);

    expect(await catalog.findVariant(id)).toBeNull();
  });

  it('tells which variants are still sold, leaving out deleted ones, those of deleted products and unknown ids', async () => {
    const productId = await newProduct(t);
    const sold = await newVariant(t, { productId });
    const deleted = await newVariant(t, { productId });
    const goneProductId = await newProduct(t);
    const ofGoneProduct = await newVariant(t, { productId: goneProductId });
    await deleteVariant(deleted.id);
    await deleteProduct(goneProductId);

    const live = await catalog.liveVariantIds([sold.id, deleted.id, ofGoneProduct.id, sold.id, 2_000_000_000]);

    expect([...live]).toEqual([sold.id]);
    expect((await catalog.liveVariantIds([])).size).toBe(0);
  });

  it('answers an empty lookup without a query', async () => {
    expect((await catalog.findVariants([])).size).toBe(0);
  });
});
