import { ProductsService } from '../../src/products/products.service';
import { VariantsService } from '../../src/products/variants.service';
import { newCategory, newProduct, newVariant } from '../support/catalog.factory';
import { MediumContext, startMediumContext } from '../support/medium';
import { statementsSentBy } from '../support/statements';
import { unique } from '../support/test-app';

/** A catalog page and its total come from one statement; past the end, the total is still told. */
describe('catalog pages', () => {
  let t: MediumContext;
  let products: ProductsService;

  beforeAll(async () => {
    t = await startMediumContext();
    products = t.get(ProductsService);
  });

  afterAll(async () => {
    await t.close();
  });

  async function categoryWithProducts(count: number): Promise<{ categoryId: number; ids: number[] }> {
    const categoryId = await newCategory(t);
    const ids: number[] = [];
    for (let index = 0; index < count; index++) ids.push(await newProduct(t, { categoryId }));
    return { categoryId, ids };
  }

  it('reads a page of products and how many there are in one statement', async () => {
    const { categoryId, ids } = await categoryWithProducts(5);

    const { result, sent } = await statementsSentBy(() => products.list({ categoryId, limit: 2, offset: 2 }));

    const [page, total] = result;
    expect(page.map((product) => product.id)).toEqual(ids.slice(2, 4));
    expect(total).toBe(5);
    expect(sent.texts.filter((statement) => statement.includes('FROM "products"'))).toHaveLength(1);
  });

  it('still tells the total on a page past the end, and zero for an empty list', async () => {
    const { categoryId } = await categoryWithProducts(3);
    const empty = await newCategory(t);

    expect(await products.list({ categoryId, limit: 2, offset: 10 })).toEqual([[], 3]);
    expect(await products.list({ categoryId: empty, limit: 2, offset: 0 })).toEqual([[], 0]);
  });

  it('counts the variants a search finds across its join, one row per variant', async () => {
    const name = unique('Paged');
    const productId = await newProduct(t, { name });
    const variants = [];
    for (let index = 0; index < 3; index++) variants.push(await newVariant(t, { productId }));

    const [page, total] = await t.get(VariantsService).list({ search: name, limit: 2, offset: 0 });

    expect(page.map((variant) => variant.id)).toEqual(variants.slice(0, 2).map((variant) => variant.id));
    expect(total).toBe(3);
  });
});
