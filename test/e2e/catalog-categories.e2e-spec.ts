import { newCategory, newProduct } from '../support/catalog.factory';
import { collection, startTestApp, TestApp, unique } from '../support/test-app';
import { expectProblem } from '../support/problem';

describe('catalog categories', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const { post, patch, remove, get } = collection(() => t, '/api/products/categories');

  describe('POST /api/products/categories', () => {
    it('creates a root category with every field', async () => {
      const name = unique('Root');

      const response = await post({ name, description: 'Top level' });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name,
        description: 'Top level',
        parentId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
    });

    it('creates a child category under its parent', async () => {
      const parentId = await newCategory(t);
      const name = unique('Child');

      const response = await post({ name, parentId });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ name, parentId, description: null });
    });

    it('trims surrounding whitespace of the name', async () => {
      const name = unique('Trimmed');

      const response = await post({ name: `   ${name}  ` });

      expect(response.status).toBe(201);
      expect(response.body.name).toBe(name);
    });

    it.each([
      ['empty', ''],
      ['whitespace-only', '   \t '],
    ])('rejects an %s name', async (_label, name) => {
      const response = await post({ name });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
    });

    it('rejects an unknown body field', async () => {
      const response = await post({ name: unique('Extra'), colour: 'red' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'colour' })]));
    });

    it('rejects a parent that does not exist', async () => {
      const response = await post({ name: unique('Orphan'), parentId: 2_147_483_000 });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects a sibling with the same name in another case', async () => {
      const parentId = await newCategory(t);
      const name = unique('Shoes');
      await post({ name, parentId }).expect(201);

      const response = await post({ name: name.toUpperCase(), parentId });

      expectProblem(response, 409, 'CONFLICT');
    });

    it('accepts the same name under another parent', async () => {
      const firstParentId = await newCategory(t);
      const secondParentId = await newCategory(t);
      const name = unique('Boots');
      await post({ name, parentId: firstParentId }).expect(201);

      const response = await post({ name, parentId: secondParentId });

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ name, parentId: secondParentId });
    });

    it('rejects a second root with the same name', async () => {
      const name = unique('RootTwin');
      await post({ name }).expect(201);

      const response = await post({ name });

      expectProblem(response, 409, 'CONFLICT');
    });
  });

  describe('GET /api/products/categories', () => {
    beforeAll(async () => {
      for (let i = 0; i < 3; i += 1) await newCategory(t);
    });

    it('answers a page with the default limit and offset', async () => {
      const response = await t.http.get('/api/products/categories').expect(200);

      expect(response.body).toEqual({
        items: expect.any(Array),
        total: expect.any(Number),
        limit: 20,
        offset: 0,
      });
      expect(response.body.total).toBeGreaterThanOrEqual(3);
    });

    it('returns at most limit items', async () => {
      const response = await t.http.get('/api/products/categories?limit=2').expect(200);

      expect(response.body.items).toHaveLength(2);
      expect(response.body.limit).toBe(2);
      expect(response.body.total).toBeGreaterThanOrEqual(3);
    });

    it('skips offset items', async () => {
      const first = await t.http.get('/api/products/categories?limit=3&offset=0').expect(200);

      const response = await t.http.get('/api/products/categories?limit=2&offset=1').expect(200);

      expect(response.body.offset).toBe(1);
      const ids = (items: { id: number }[]) => items.map((item) => item.id);
      expect(ids(response.body.items)).toEqual(ids(first.body.items).slice(1, 3));
    });

    it('lists a created category with its fields', async () => {
      const name = unique('Listed');
      const created = await post({ name, description: 'Listed one' }).expect(201);
      const total = (await t.http.get('/api/products/categories?limit=1').expect(200)).body.total as number;

      const response = await t.http
        .get(`/api/products/categories?limit=100&offset=${Math.max(total - 100, 0)}`)
        .expect(200);

      expect(response.body.items).toContainEqual(created.body);
    });

    it.each(['0', '101', '-1', 'x', '1e1', '0x10'])('rejects limit=%s', async (limit) => {
      const response = await t.http.get(`/api/products/categories?limit=${limit}`);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'limit' })]));
    });
  });

  describe('GET /api/products/categories/:id', () => {
    it('answers the category', async () => {
      const created = await post({ name: unique('Fetched') }).expect(201);

      const response = await get(created.body.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(created.body);
    });

    it('answers 404 for an unknown id', async () => {
      const response = await get(2_147_483_647);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each(['abc', '0', '2147483648'])('rejects the id %s', async (id) => {
      const response = await get(id);

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });
  });

  describe('PATCH /api/products/categories/:id', () => {
    it('renames a category', async () => {
      const id = await newCategory(t, { description: 'kept' });
      const name = unique('Renamed');

      const response = await patch(id, { name });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id, name, description: 'kept' });
      expect((await get(id)).body.name).toBe(name);
    });

    it('clears the description with null', async () => {
      const id = await newCategory(t, { description: 'to be cleared' });

      const response = await patch(id, { description: null });

      expect(response.status).toBe(200);
      expect(response.body.description).toBeNull();
      expect((await get(id)).body.description).toBeNull();
    });

    it('moves a category to the root with parentId null', async () => {
      const parentId = await newCategory(t);
      const id = await newCategory(t, { parentId });

      const response = await patch(id, { parentId: null });

      expect(response.status).toBe(200);
      expect(response.body.parentId).toBeNull();
      expect((await get(id)).body.parentId).toBeNull();
    });

    it('moves a category under another parent', async () => {
      const id = await newCategory(t);
      const newParentId = await newCategory(t);

      const response = await patch(id, { parentId: newParentId });

      expect(response.status).toBe(200);
      expect((await get(id)).body.parentId).toBe(newParentId);
    });

    it('rejects moving a category under itself and changes nothing', async () => {
      const parentId = await newCategory(t);
      const id = await newCategory(t, { parentId });

      const response = await patch(id, { parentId: id });

      expectProblem(response, 409, 'CONFLICT');
      expect((await get(id)).body.parentId).toBe(parentId);
    });

    it('rejects moving a category under its own descendant and changes nothing', async () => {
      const rootId = await newCategory(t);
      const childId = await newCategory(t, { parentId: rootId });
      const grandchildId = await newCategory(t, { parentId: childId });

      const response = await patch(rootId, { parentId: grandchildId });

      expectProblem(response, 409, 'CONFLICT');
      expect((await get(rootId)).body.parentId).toBeNull();
    });

    it('rejects a rename that clashes with a sibling', async () => {
      const parentId = await newCategory(t);
      const taken = unique('Taken');
      await newCategory(t, { name: taken, parentId });
      const id = await newCategory(t, { parentId });

      const response = await patch(id, { name: taken.toLowerCase() });

      expectProblem(response, 409, 'CONFLICT');
    });

    it('rejects a parent that does not exist', async () => {
      const id = await newCategory(t);

      const response = await patch(id, { parentId: 2_147_483_000 });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects a whitespace-only name', async () => {
      const id = await newCategory(t);

      const response = await patch(id, { name: '  ' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('rejects an unknown body field', async () => {
      const id = await newCategory(t);

      const response = await patch(id, { createdAt: '2020-01-01T00:00:00.000Z' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers 404 for an unknown category', async () => {
      const response = await patch(2_147_483_647, { name: unique('Ghost') });

      expectProblem(response, 404, 'NOT_FOUND');
    });
  });

  describe('DELETE /api/products/categories/:id', () => {
    it('deletes a category, which then reads as 404', async () => {
      const id = await newCategory(t);

      const response = await remove(id);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expectProblem(await get(id), 404, 'NOT_FOUND');
    });

    it('answers 404 when the category was already deleted', async () => {
      const id = await newCategory(t);
      await remove(id).expect(204);

      const response = await remove(id);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('rejects deleting a category that has a live child', async () => {
      const id = await newCategory(t);
      await newCategory(t, { parentId: id });

      const response = await remove(id);

      expectProblem(response, 409, 'CONFLICT');
      expect((await get(id)).status).toBe(200);
    });

    it('deletes a category whose only child was deleted', async () => {
      const id = await newCategory(t);
      const childId = await newCategory(t, { parentId: id });
      await remove(childId).expect(204);

      const response = await remove(id);

      expect(response.status).toBe(204);
    });

    it('rejects deleting a category that has a live product', async () => {
      const id = await newCategory(t);
      await newProduct(t, { categoryId: id });

      const response = await remove(id);

      expectProblem(response, 409, 'CONFLICT');
      expect((await get(id)).status).toBe(200);
    });

    it('deletes a category once its product was deleted', async () => {
      const id = await newCategory(t);
      const productId = await newProduct(t, { categoryId: id });
      await t.http.delete(`/api/products/${productId}`).set('authorization', t.admin).expect(204);

      const response = await remove(id);

      expect(response.status).toBe(204);
    });

    it('lets a new sibling take the name of a deleted category', async () => {
      const parentId = await newCategory(t);
      const name = unique('Reused');
      const id = await newCategory(t, { name, parentId });
      await remove(id).expect(204);

      const response = await post({ name, parentId });

      expect(response.status).toBe(201);
    });
  });
});
