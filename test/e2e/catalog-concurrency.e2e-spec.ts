import { newCategory, newProduct } from '../support/catalog.factory';
import { startTestApp, TestApp, unique } from '../support/test-app';

/** Races on the catalog: each must end in one consistent outcome, never a 500. */
describe('catalog under concurrent writes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '20' });
  });

  afterAll(async () => {
    await t.close();
  });

  const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort();

  it('lets one of two crossing moves win, so no cycle can form', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await newCategory(t);
      const b = await newCategory(t);

      const responses = await Promise.all([
        t.http.patch(`/api/products/categories/${a}`).set('authorization', t.admin).send({ parentId: b }),
        t.http.patch(`/api/products/categories/${b}`).set('authorization', t.admin).send({ parentId: a }),
      ]);

      expect(statuses(responses)).toEqual([200, 409]);
      const [{ body: categoryA }, { body: categoryB }] = await Promise.all([
        t.http.get(`/api/products/categories/${a}`),
        t.http.get(`/api/products/categories/${b}`),
      ]);
      expect([categoryA.parentId, categoryB.parentId].filter((parentId) => parentId !== null)).toHaveLength(1);
    }
  });

  it('never both deletes a category and attaches a product to it', async () => {
    for (let round = 0; round < 10; round++) {
      const categoryId = await newCategory(t);

      const [created, deleted] = await Promise.all([
        t.http
          .post('/api/products')
          .set('authorization', t.admin)
          .send({ name: unique('Racer'), categoryId, basePrice: '1.00' }),
        t.http.delete(`/api/products/categories/${categoryId}`).set('authorization', t.admin),
      ]);

      const outcome = `${created.status}/${deleted.status}`;
      expect(['201/409', '404/204']).toContain(outcome);
      if (created.status === 201) {
        const product = await t.http.get(`/api/products/${created.body.id}`).expect(200);
        expect(product.body.categoryId).toBe(categoryId);
        await t.http.get(`/api/products/categories/${categoryId}`).expect(200);
      }
    }
  });

  it('gives a SKU to exactly one of many simultaneous creates', async () => {
    const productId = await newProduct(t);
    const sku = unique('RACE').toUpperCase();

    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        t.http
          .post('/api/products/variants')
          .set('authorization', t.admin)
          .send({ productId, sku: index % 2 ? sku : sku.toLowerCase() }),
      ),
    );

    expect(statuses(responses)).toEqual([201, ...Array(11).fill(409)]);
    expect(responses.filter((response) => response.status === 409).map((r) => r.body.code)).toEqual(
      Array(11).fill('SKU_TAKEN'),
    );
  });

  it('gives a sibling name to exactly one of many simultaneous creates', async () => {
    const parentId = await newCategory(t);
    const name = unique('Twin');

    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.http.post('/api/products/categories').set('authorization', t.admin).send({ name, parentId }),
      ),
    );

    expect(statuses(responses)).toEqual([201, ...Array(11).fill(409)]);
  });
});
