import { newProduct, newVariant } from '../support/catalog.factory';
import { collection, startTestApp, TestApp, unique } from '../support/test-app';
import { expectFieldError, expectProblem } from '../support/problem';

const UNKNOWN_ID = 2_147_483_647;

/** A SKU no other test uses, made only of characters the SKU alphabet allows. */
const uniqueSku = (prefix = 'SKU') => unique(prefix).toUpperCase();

describe('catalog variants', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const { post, patch, remove, get } = collection(() => t, '/api/products/variants');

  describe('POST /api/products/variants', () => {
    it('creates a variant with defaults for price adjustment and attributes', async () => {
      const productId = await newProduct(t);
      const sku = uniqueSku();

      const response = await post({ productId, sku });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        productId,
        sku,
        priceAdjustment: '0.00',
        attributes: {},
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('stores the given price adjustment and attributes', async () => {
      const productId = await newProduct(t);

      const response = await post({
        productId,
        sku: uniqueSku(),
        priceAdjustment: 49.9,
        attributes: { color: 'black', size: 'M' },
      });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ priceAdjustment: '49.90', attributes: { color: 'black', size: 'M' } });
      const read = await get(response.body.id).expect(200);
      expect(read.body).toEqual(response.body);
    });

    it('rejects a SKU that is already taken', async () => {
      const { sku } = await newVariant(t);
      const productId = await newProduct(t);

      const response = await post({ productId, sku });

      expectProblem(response, 409, 'SKU_TAKEN');
    });

    it('rejects a SKU that differs from a taken one only in letter case', async () => {
      const { sku } = await newVariant(t);
      const productId = await newProduct(t);

      const response = await post({ productId, sku: sku.toLowerCase() });

      expectProblem(response, 409, 'SKU_TAKEN');
    });

    it('lets a new variant reuse the SKU of a deleted one', async () => {
      const { id, sku } = await newVariant(t);
      await remove(id).expect(204);
      const productId = await newProduct(t);

      const response = await post({ productId, sku });

      expect(response.status).toBe(201);
      expect(response.body.sku).toBe(sku);
    });

    it.each([
      ['that is empty', ''],
      ['with a space', 'has space'],
      ['of 65 characters', 'x'.repeat(65)],
      ['with a non-ASCII letter', 'ä'],
      ['with a slash', 'a/b'],
      ['that is a number', 12345],
    ])('rejects a SKU %s', async (_label, sku) => {
      const productId = await newProduct(t);

      const response = await post({ productId, sku });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'sku');
    });

    it('accepts every character of the SKU alphabet', async () => {
      const productId = await newProduct(t);
      const sku = `A-z_0.9${unique('')}`;

      const response = await post({ productId, sku });

      expect(response.status).toBe(201);
      expect(response.body.sku).toBe(sku);
    });

    it('accepts a SKU of 64 characters', async () => {
      const productId = await newProduct(t);
      const sku = uniqueSku('LONG').padEnd(64, 'x');

      const response = await post({ productId, sku });

      expect(response.status).toBe(201);
      expect(response.body.sku).toBe(sku);
    });

    it.each([
      ['a number value', { size: 1 }],
      ['a nested object', { nested: { a: 'b' } }],
      ['an array', []],
      ['null', null],
      ['a string', 'color=black'],
    ])('rejects attributes that are %s', async (_label, attributes) => {
      const productId = await newProduct(t);

      const response = await post({ productId, sku: uniqueSku(), attributes });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'attributes');
    });

    it.each([-1, '1.234', 'abc'])('rejects the price adjustment %p', async (priceAdjustment) => {
      const productId = await newProduct(t);

      const response = await post({ productId, sku: uniqueSku(), priceAdjustment });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'priceAdjustment');
    });

    it('rejects an unknown product', async () => {
      const response = await post({ productId: UNKNOWN_ID, sku: uniqueSku() });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects a deleted product', async () => {
      const productId = await newProduct(t);
      await t.http.delete(`/api/products/${productId}`).set('authorization', t.admin).expect(204);

      const response = await post({ productId, sku: uniqueSku() });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects an unknown body field', async () => {
      const productId = await newProduct(t);

      const response = await post({ productId, sku: uniqueSku(), stock: 10 });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'stock');
    });
  });

  describe('GET /api/products/variants', () => {
    it('lists exactly the variants of a product', async () => {
      const productId = await newProduct(t);
      const first = await newVariant(t, { productId });
      const second = await newVariant(t, { productId });
      await newVariant(t);

      const response = await t.http.get(`/api/products/variants?productId=${productId}`).expect(200);

      expect(response.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
      expect(response.body.items.map((item: { id: number }) => item.id)).toEqual([first.id, second.id]);
    });

    it('leaves deleted variants out of the list', async () => {
      const productId = await newProduct(t);
      const kept = await newVariant(t, { productId });
      const deleted = await newVariant(t, { productId });
      await remove(deleted.id).expect(204);

      const response = await t.http.get(`/api/products/variants?productId=${productId}`).expect(200);

      expect(response.body.items.map((item: { id: number }) => item.id)).toEqual([kept.id]);
      expect(response.body.total).toBe(1);
    });

    it('honours limit and offset', async () => {
      const productId = await newProduct(t);
      await newVariant(t, { productId });
      const second = await newVariant(t, { productId });
      await newVariant(t, { productId });

      const response = await t.http.get(`/api/products/variants?productId=${productId}&limit=1&offset=1`).expect(200);

      expect(response.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(response.body.items.map((item: { id: number }) => item.id)).toEqual([second.id]);
    });

    it('answers 404 for an unknown product filter', async () => {
      const response = await t.http.get(`/api/products/variants?productId=${UNKNOWN_ID}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 for a deleted product filter', async () => {
      const productId = await newProduct(t);
      await newVariant(t, { productId });
      await t.http.delete(`/api/products/${productId}`).set('authorization', t.admin).expect(204);

      const response = await t.http.get(`/api/products/variants?productId=${productId}`);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('finds variants by the start of their SKU or a part of their product name, case-insensitively', async () => {
      const name = unique('Searchable Lamp');
      const productId = await newProduct(t, { name });
      const sku = uniqueSku('LAMP');
      const bySku = await newVariant(t, { productId, sku });
      const other = await newVariant(t, { productId });
      await newVariant(t, { sku: uniqueSku('ELSE') });

      const skuPrefix = await t.http.get(`/api/products/variants?search=${sku.slice(0, -2).toLowerCase()}`).expect(200);
      const namePart = await t.http.get(
        `/api/products/variants?search=${encodeURIComponent(name.slice(3).toUpperCase())}`,
      );
      const middleOfSku = await t.http.get(`/api/products/variants?search=${sku.slice(2)}`).expect(200);

      expect(skuPrefix.body.items.map((item: { id: number }) => item.id)).toEqual([bySku.id]);
      expect(namePart.body.items.map((item: { id: number }) => item.id)).toEqual([bySku.id, other.id]);
      expect(middleOfSku.body.items).toEqual([]);
    });

    it('matches % and _ in a search literally', async () => {
      const response = await t.http.get('/api/products/variants?search=%25_%25').expect(200);

      expect(response.body.items).toEqual([]);
    });

    it('rejects a product filter that is not an id', async () => {
      const response = await t.http.get('/api/products/variants?productId=abc');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'productId');
    });
  });

  describe('GET /api/products/variants/:id', () => {
    it('answers 404 for an unknown variant', async () => {
      const response = await get(UNKNOWN_ID);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each(['abc', '0', '2147483648'])('rejects the id %s', async (id) => {
      const response = await get(id);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });
  });

  describe('PATCH /api/products/variants/:id', () => {
    it('rejects a SKU that another variant has', async () => {
      const taken = await newVariant(t);
      const { id, sku } = await newVariant(t);

      const response = await patch(id, { sku: taken.sku.toLowerCase() });

      expectProblem(response, 409, 'SKU_TAKEN');
      expect((await get(id)).body.sku).toBe(sku);
    });

    it('changes the letter case of its own SKU', async () => {
      const { id, sku } = await newVariant(t);

      const response = await patch(id, { sku: sku.toLowerCase() });

      expect(response.status).toBe(200);
      expect(response.body.sku).toBe(sku.toLowerCase());
    });

    it('replaces the attributes as a whole', async () => {
      const { id } = await newVariant(t, { attributes: { color: 'black', size: 'M' } });

      const response = await patch(id, { attributes: { material: 'wool' } });

      expect(response.status).toBe(200);
      expect(response.body.attributes).toEqual({ material: 'wool' });
      expect((await get(id)).body.attributes).toEqual({ material: 'wool' });
    });

    it('changes the price adjustment and keeps the rest', async () => {
      const { id, sku } = await newVariant(t, { attributes: { size: 'L' } });

      const response = await patch(id, { priceAdjustment: '7.5' });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ sku, priceAdjustment: '7.50', attributes: { size: 'L' } });
    });

    it('rejects invalid attributes', async () => {
      const { id } = await newVariant(t);

      const response = await patch(id, { attributes: { size: 1 } });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'attributes');
    });

    it('rejects moving the variant to another product', async () => {
      const { id } = await newVariant(t);
      const productId = await newProduct(t);

      const response = await patch(id, { productId });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'productId');
    });

    it('answers 404 for a deleted variant', async () => {
      const { id } = await newVariant(t);
      await remove(id).expect(204);

      const response = await patch(id, { attributes: {} });

      expectProblem(response, 404, 'NOT_FOUND');
    });
  });

  describe('DELETE /api/products/variants/:id', () => {
    it('deletes a variant, which then reads as 404', async () => {
      const { id } = await newVariant(t);

      const response = await remove(id);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expectProblem(await get(id), 404, 'NOT_FOUND');
    });

    it('answers 404 to a second delete', async () => {
      const { id } = await newVariant(t);
      await remove(id).expect(204);

      const response = await remove(id);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('leaves the product readable without the deleted variant', async () => {
      const productId = await newProduct(t);
      const { id } = await newVariant(t, { productId });
      await remove(id).expect(204);

      const response = await t.http.get(`/api/products/${productId}`).expect(200);

      expect(response.body.variants).toEqual([]);
    });
  });
});
