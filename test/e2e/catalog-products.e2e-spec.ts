import { Response } from 'supertest';
import { newCategory, newProduct, newVariant } from '../support/catalog.factory';
import { collection, startTestApp, TestApp, unique } from '../support/test-app';
import { expectFieldError, expectProblem } from '../support/problem';

const UNKNOWN_ID = 2_147_483_647;

describe('catalog products', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const { post, patch, remove } = collection(() => t, '/api/products');
  const ids = (response: Response) => (response.body.items as { id: number }[]).map((item) => item.id);

  /** Every id a list route answers, page by page, so absence is checked across the shared database. */
  async function allIds(path: string): Promise<number[]> {
    const found: number[] = [];
    for (let offset = 0; ; offset += 100) {
      const response = await t.http.get(`${path}?limit=100&offset=${offset}`).expect(200);
      found.push(...ids(response));
      if (offset + 100 >= response.body.total) return found;
    }
  }

  describe('POST /api/products', () => {
    it('creates a product with every field', async () => {
      const categoryId = await newCategory(t);
      const name = unique('Shirt');

      const response = await post({ name, description: 'Cotton', categoryId, basePrice: '500.00' });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name,
        description: 'Cotton',
        categoryId,
        basePrice: '500.00',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('trims the name and leaves a missing description null', async () => {
      const categoryId = await newCategory(t);
      const name = unique('Trimmed');

      const response = await post({ name: `  ${name} `, categoryId, basePrice: '1' });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ name, description: null });
    });

    it.each([
      ['550', '550.00'],
      ['550.5', '550.50'],
      [550.5, '550.50'],
      ['0', '0.00'],
      [0, '0.00'],
      ['99999999.99', '99999999.99'],
    ])('accepts the base price %p and answers %p', async (basePrice, expected) => {
      const categoryId = await newCategory(t);

      const response = await post({ name: unique('Priced'), categoryId, basePrice });

      expect(response.status).toBe(201);
      expect(response.body.basePrice).toBe(expected);
    });

    it.each([-1, '-1', '1.234', 1.234, 'abc', '100000000', 100000000, '', null, true, { amount: 1 }])(
      'rejects the base price %p',
      async (basePrice) => {
        const categoryId = await newCategory(t);

        const response = await post({ name: unique('Mispriced'), categoryId, basePrice });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'basePrice');
      },
    );

    it('rejects a product without a base price', async () => {
      const categoryId = await newCategory(t);

      const response = await post({ name: unique('Unpriced'), categoryId });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'basePrice');
    });

    it('rejects an unknown category', async () => {
      const response = await post({ name: unique('Lost'), categoryId: UNKNOWN_ID, basePrice: '1.00' });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects a deleted category', async () => {
      const categoryId = await newCategory(t);
      await t.http.delete(`/api/products/categories/${categoryId}`).set('authorization', t.admin).expect(204);

      const response = await post({ name: unique('Late'), categoryId, basePrice: '1.00' });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each([
      ['id', 12345],
      ['price', '1.00'],
      ['createdAt', '2020-01-01T00:00:00.000Z'],
    ])('rejects the client-sent field %s', async (field, value) => {
      const categoryId = await newCategory(t);

      const response = await post({ name: unique('Sneaky'), categoryId, basePrice: '1.00', [field]: value });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('rejects a whitespace-only name', async () => {
      const categoryId = await newCategory(t);

      const response = await post({ name: '   ', categoryId, basePrice: '1.00' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'name');
    });
  });

  describe('GET /api/products/:id', () => {
    it('answers the product with no variants', async () => {
      const created = await post({ name: unique('Bare'), categoryId: await newCategory(t), basePrice: '5' });

      const response = await t.http.get(`/api/products/${created.body.id}`).expect(200);

      expect(response.body).toEqual({ ...created.body, variants: [] });
    });

    it('includes its live variants ordered by id', async () => {
      const productId = await newProduct(t);
      const first = await newVariant(t, { productId });
      const second = await newVariant(t, { productId });
      const third = await newVariant(t, { productId });
      await t.http.delete(`/api/products/variants/${second.id}`).set('authorization', t.admin).expect(204);

      const response = await t.http.get(`/api/products/${productId}`).expect(200);

      expect(response.body.variants.map((variant: { id: number }) => variant.id)).toEqual([first.id, third.id]);
      expect(response.body.variants[0]).toMatchObject({ productId, sku: first.sku, priceAdjustment: '50.00' });
    });

    it('answers 404 for an unknown product', async () => {
      const response = await t.http.get(`/api/products/${UNKNOWN_ID}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each(['abc', '0', '2147483648', '1.5', '1e3', '0x10', '+7', '%201'])('rejects the id %s', async (id) => {
      const response = await t.http.get(`/api/products/${id}`);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /api/products', () => {
    it('answers a page', async () => {
      await newProduct(t);

      const response = await t.http.get('/api/products?limit=1').expect(200);

      expect(response.body).toEqual({ items: expect.any(Array), total: expect.any(Number), limit: 1, offset: 0 });
      expect(response.body.items).toHaveLength(1);
    });

    it('filters by category including every sub-category', async () => {
      const parentId = await newCategory(t);
      const childId = await newCategory(t, { parentId });
      const grandchildId = await newCategory(t, { parentId: childId });
      const unrelatedId = await newCategory(t);
      const inParent = await newProduct(t, { categoryId: parentId });
      const inChild = await newProduct(t, { categoryId: childId });
      const inGrandchild = await newProduct(t, { categoryId: grandchildId });
      await newProduct(t, { categoryId: unrelatedId });

      const response = await t.http.get(`/api/products?categoryId=${parentId}`).expect(200);

      expect(ids(response)).toEqual([inParent, inChild, inGrandchild]);
      expect(response.body.total).toBe(3);
    });

    it('filters by a leaf category to its own products only', async () => {
      const parentId = await newCategory(t);
      const childId = await newCategory(t, { parentId });
      await newProduct(t, { categoryId: parentId });
      const inChild = await newProduct(t, { categoryId: childId });

      const response = await t.http.get(`/api/products?categoryId=${childId}`).expect(200);

      expect(ids(response)).toEqual([inChild]);
    });

    it('answers 404 for an unknown category filter', async () => {
      const response = await t.http.get(`/api/products?categoryId=${UNKNOWN_ID}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each(['abc', '0', '-3', '0x10', '1e1', '2.0'])('rejects the category filter %s', async (categoryId) => {
      const response = await t.http.get(`/api/products?categoryId=${categoryId}`);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'categoryId');
    });

    it('searches names case-insensitively anywhere in the name', async () => {
      const tag = unique('Srch');
      const id = await newProduct(t, { name: `The ${tag} MiXeD Case` });

      const response = await t.http
        .get('/api/products')
        .query({ search: `${tag} mixed`.toUpperCase(), limit: 100 })
        .expect(200);

      expect(ids(response)).toEqual([id]);
    });

    it('treats % in the search literally', async () => {
      const tag = unique('Pct');
      const literal = await newProduct(t, { name: `Fifty%Off ${tag}` });
      const lookalike = await newProduct(t, { name: `FiftyXOff ${tag}` });

      const response = await t.http.get('/api/products').query({ search: 'y%o', limit: 100 }).expect(200);

      expect(ids(response)).toContain(literal);
      expect(ids(response)).not.toContain(lookalike);
    });

    it('does not match every product when searching for %', async () => {
      const withPercent = await newProduct(t, { name: `${unique('Half')} 50% off` });
      const withoutPercent = await newProduct(t, { name: unique('Plain') });

      const response = await t.http.get('/api/products').query({ search: '%', limit: 100 }).expect(200);

      expect(ids(response)).toContain(withPercent);
      expect(ids(response)).not.toContain(withoutPercent);
      for (const item of response.body.items as { name: string }[]) expect(item.name).toContain('%');
    });

    it('treats _ in the search literally', async () => {
      const tag = unique('Under');
      const literal = await newProduct(t, { name: `${tag} a_b` });
      const lookalike = await newProduct(t, { name: `${tag} axb` });

      const response = await t.http
        .get('/api/products')
        .query({ search: `${tag} a_b` })
        .expect(200);

      expect(ids(response)).toEqual([literal]);
      expect(ids(response)).not.toContain(lookalike);
    });

    it('combines the category and search filters', async () => {
      const categoryId = await newCategory(t);
      const tag = unique('Combo');
      const match = await newProduct(t, { categoryId, name: `${tag} red` });
      await newProduct(t, { categoryId, name: `${tag} blue` });
      await newProduct(t, { name: `${tag} red elsewhere` });

      const response = await t.http
        .get('/api/products')
        .query({ categoryId, search: `${tag} red` })
        .expect(200);

      expect(ids(response)).toEqual([match]);
    });
  });

  it('treats an empty search as no search', async () => {
    const categoryId = await newCategory(t);
    const productId = await newProduct(t, { categoryId });

    const response = await t.http.get('/api/products').query({ categoryId, search: '  ' }).expect(200);

    expect(ids(response)).toEqual([productId]);
  });

  describe('PATCH /api/products/:id', () => {
    it('updates only the name and keeps the price', async () => {
      const id = await newProduct(t, { basePrice: '123.45', description: 'kept' });
      const name = unique('Renamed');

      const response = await patch(id, { name });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id, name, basePrice: '123.45', description: 'kept' });
      const read = await t.http.get(`/api/products/${id}`).expect(200);
      expect(read.body).toMatchObject({ name, basePrice: '123.45' });
    });

    it('changes the base price', async () => {
      const id = await newProduct(t, { basePrice: '10.00' });

      const response = await patch(id, { basePrice: 12.5 });

      expect(response.status).toBe(200);
      expect(response.body.basePrice).toBe('12.50');
    });

    it('rejects a null base price and keeps the old one', async () => {
      const id = await newProduct(t, { basePrice: '10.00' });

      const response = await patch(id, { basePrice: null });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'basePrice');
      expect((await t.http.get(`/api/products/${id}`)).body.basePrice).toBe('10.00');
    });

    it('rejects a null name', async () => {
      const id = await newProduct(t);

      const response = await patch(id, { name: null });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'name');
    });

    it('clears the description with null', async () => {
      const id = await newProduct(t, { description: 'to be cleared' });

      const response = await patch(id, { description: null });

      expect(response.status).toBe(200);
      expect(response.body.description).toBeNull();
      expect((await t.http.get(`/api/products/${id}`)).body.description).toBeNull();
    });

    it('moves the product to another category', async () => {
      const id = await newProduct(t);
      const categoryId = await newCategory(t);

      const response = await patch(id, { categoryId });

      expect(response.status).toBe(200);
      expect(response.body.categoryId).toBe(categoryId);
    });

    it('rejects moving the product to an unknown category', async () => {
      const id = await newProduct(t);

      const response = await patch(id, { categoryId: UNKNOWN_ID });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects a client-sent id', async () => {
      const id = await newProduct(t);

      const response = await patch(id, { id: id + 1 });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'id');
    });

    it('answers 404 for an unknown product', async () => {
      const response = await patch(UNKNOWN_ID, { name: unique('Ghost') });

      expectProblem(response, 404, 'NOT_FOUND');
    });
  });

  describe('DELETE /api/products/:id', () => {
    it('deletes a product, which then reads as 404', async () => {
      const id = await newProduct(t);

      const response = await remove(id);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expectProblem(await t.http.get(`/api/products/${id}`), 404, 'NOT_FOUND');
    });

    it('removes the deleted product from the product list', async () => {
      const name = unique('Gone');
      const id = await newProduct(t, { name });
      await remove(id).expect(204);

      const response = await t.http.get('/api/products').query({ search: name }).expect(200);

      expect(ids(response)).not.toContain(id);
      expect(response.body.total).toBe(0);
    });

    it('makes its variants unreadable', async () => {
      const productId = await newProduct(t);
      const variant = await newVariant(t, { productId });
      await remove(productId).expect(204);

      const response = await t.http.get(`/api/products/variants/${variant.id}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('removes its variants from the variant list', async () => {
      const productId = await newProduct(t);
      const variant = await newVariant(t, { productId });
      await remove(productId).expect(204);

      const listed = await allIds('/api/products/variants');

      expect(listed).not.toContain(variant.id);
    });

    it('answers 404 to a second delete', async () => {
      const id = await newProduct(t);
      await remove(id).expect(204);

      const response = await remove(id);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects updating a deleted product', async () => {
      const id = await newProduct(t);
      await remove(id).expect(204);

      const response = await patch(id, { name: unique('Zombie') });

      expectProblem(response, 404, 'NOT_FOUND');
    });
  });
});
