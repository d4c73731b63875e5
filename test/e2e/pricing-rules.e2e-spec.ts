import { newCatalog, newCategory, newProduct, newVariant } from '../support/catalog.factory';
import { createRule, ruleBody } from '../support/pricing.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { collection, startTestApp, TestApp } from '../support/test-app';

// Every rule here is scoped to a catalog entity of its own test: this database is shared
// with other test files running in parallel, and a GLOBAL rule would change their
// prices. GLOBAL rules are tested in pricing-global.e2e-spec.ts on a database of its own.

const RULES = '/api/pricing/rules';
const UNKNOWN_ID = 2_147_483_647;

describe('pricing rules', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const { post, patch, remove } = collection(() => t, RULES);
  const get = (id: number | string) => t.http.get(`${RULES}/${id}`).set('authorization', t.admin);

  describe('POST /api/pricing/rules', () => {
    it('creates a rule with defaults for priority, stackable and active', async () => {
      const productId = await newProduct(t);

      const response = await post({
        name: '  10+ units  ',
        kind: 'QUANTITY',
        scope: { type: 'PRODUCT', id: productId },
        condition: { minQuantity: 10 },
        effect: { type: 'PERCENT_OFF', value: 10 },
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name: '10+ units',
        kind: 'QUANTITY',
        scope: { type: 'PRODUCT', id: productId },
        condition: { minQuantity: 10 },
        effect: { type: 'PERCENT_OFF', value: '10.00' },
        priority: 0,
        stackable: true,
        active: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await get(response.body.id).expect(200)).body).toEqual(response.body);
    });

    it.each([
      ['SCHEDULE', { startsAt: '2026-11-27T00:00:00+01:00', endsAt: '2026-11-30T00:00:00Z' }, 'AMOUNT_OFF', '5.5'],
      ['STOCK_LEVEL', { maxAvailable: 0 }, 'PERCENT_MARKUP', '1000'],
      ['CUSTOMER_TIER', { tier: 'PLATINUM' }, 'FIXED_PRICE', 0],
    ])('creates a %s rule', async (kind, condition, effectType, value) => {
      const { variantId } = await newCatalog(t);

      const response = await post(
        ruleBody(
          { type: 'VARIANT', id: variantId },
          { kind, condition, effect: { type: effectType, value }, priority: -3, stackable: false, active: false },
        ),
      );

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ kind, priority: -3, stackable: false, active: false });
    });

    it('answers dates in UTC and amounts with two decimals', async () => {
      const categoryId = await newCategory(t);

      const response = await post(
        ruleBody(
          { type: 'CATEGORY', id: categoryId },
          {
            kind: 'SCHEDULE',
            condition: { startsAt: '2026-11-27T00:00:00+01:00', endsAt: '2026-11-30T00:00:00Z' },
            effect: { type: 'AMOUNT_OFF', value: '5.5' },
          },
        ),
      ).expect(201);

      expect(response.body.condition).toEqual({
        startsAt: '2026-11-26T23:00:00.000Z',
        endsAt: '2026-11-30T00:00:00.000Z',
      });
      expect(response.body.effect).toEqual({ type: 'AMOUNT_OFF', value: '5.50' });
    });

    it.each([
      ['a QUANTITY rule without minQuantity', { condition: {} }, 'condition.minQuantity'],
      ['minQuantity 0', { condition: { minQuantity: 0 } }, 'condition.minQuantity'],
      ['minQuantity 1.5', { condition: { minQuantity: 1.5 } }, 'condition.minQuantity'],
      ['minQuantity as a string', { condition: { minQuantity: '10' } }, 'condition.minQuantity'],
      ['a condition field of another kind', { condition: { minQuantity: 2, tier: 'GOLD' } }, 'condition.tier'],
      ['an unknown condition field', { condition: { minQuantity: 2, color: 'red' } }, 'condition.color'],
      ['an unknown tier', { kind: 'CUSTOMER_TIER', condition: { tier: 'DIAMOND' } }, 'condition.tier'],
      ['a CUSTOMER_TIER rule without a tier', { kind: 'CUSTOMER_TIER', condition: {} }, 'condition.tier'],
      ['a negative maxAvailable', { kind: 'STOCK_LEVEL', condition: { maxAvailable: -1 } }, 'condition.maxAvailable'],
      [
        'a schedule that ends before it starts',
        { kind: 'SCHEDULE', condition: { startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' } },
        'condition.endsAt',
      ],
      [
        'a schedule without an end',
        { kind: 'SCHEDULE', condition: { startsAt: '2026-12-01T00:00:00Z' } },
        'condition.endsAt',
      ],
      [
        'a date without a time zone',
        { kind: 'SCHEDULE', condition: { startsAt: '2026-12-01T00:00:00', endsAt: '2026-12-02T00:00:00Z' } },
        'condition.startsAt',
      ],
      [
        'an impossible date',
        { kind: 'SCHEDULE', condition: { startsAt: '2026-13-01T00:00:00Z', endsAt: '2027-12-02T00:00:00Z' } },
        'condition.startsAt',
      ],
      ['an unknown kind', { kind: 'WEATHER' }, 'kind'],
      ['PERCENT_OFF above 100', { effect: { type: 'PERCENT_OFF', value: '100.5' } }, 'effect.value'],
      ['PERCENT_MARKUP above 1000', { effect: { type: 'PERCENT_MARKUP', value: 1001 } }, 'effect.value'],
      ['a percent with three decimals', { effect: { type: 'PERCENT_OFF', value: '10.125' } }, 'effect.value'],
      ['a negative amount', { effect: { type: 'AMOUNT_OFF', value: '-5' } }, 'effect.value'],
      ['an amount above the maximum', { effect: { type: 'FIXED_PRICE', value: '100000000.00' } }, 'effect.value'],
      ['an amount that is not a number', { effect: { type: 'FIXED_PRICE', value: 'ten' } }, 'effect.value'],
      ['an unknown effect type', { effect: { type: 'BOGO', value: '1' } }, 'effect.type'],
      ['an effect without a value', { effect: { type: 'PERCENT_OFF' } }, 'effect.value'],
      ['a null condition', { condition: null }, 'condition'],
      ['a condition that is a list', { condition: [{ minQuantity: 1 }] }, 'condition'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name of 121 characters', { name: 'x'.repeat(121) }, 'name'],
      ['a fractional priority', { priority: 1.5 }, 'priority'],
      ['stackable as a string', { stackable: 'no' }, 'stackable'],
      ['an unknown field', { discount: 10 }, 'discount'],
    ])('refuses %s with a field error', async (_case, overrides, field) => {
      const productId = await newProduct(t);

      const response = await post(ruleBody({ type: 'PRODUCT', id: productId }, overrides));

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it.each([
      ['a GLOBAL scope with an id', { type: 'GLOBAL', id: 1 }],
      ['a PRODUCT scope without an id', { type: 'PRODUCT' }],
      ['a CATEGORY scope with a null id', { type: 'CATEGORY', id: null }],
    ])('refuses %s with a scope.id error', async (_case, scope) => {
      const response = await post(ruleBody(scope));

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'scope.id');
    });

    it('refuses an unknown scope type', async () => {
      const response = await post(ruleBody({ type: 'SHOP', id: 1 }));

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'scope.type');
    });

    it('names every broken field of one request', async () => {
      const response = await post({
        name: 'Broken',
        kind: 'QUANTITY',
        scope: { type: 'PRODUCT' },
        condition: { tier: 'GOLD' },
        effect: { type: 'PERCENT_OFF', value: '150' },
      });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(
        expect.arrayContaining(['scope.id', 'condition.tier', 'condition.minQuantity', 'effect.value']),
      );
    });

    it.each([
      ['CATEGORY', 'Category'],
      ['PRODUCT', 'Product'],
      ['VARIANT', 'Variant'],
    ])('answers 404 when the %s of the scope does not exist', async (type, resource) => {
      const response = await post(ruleBody({ type, id: UNKNOWN_ID }));

      expectProblem(response, 404, 'NOT_FOUND');
      expect(response.body.detail).toBe(`${resource} ${UNKNOWN_ID} (scope.id) was not found`);
    });

    it('answers 404 for a deleted variant as scope', async () => {
      const { id } = await newVariant(t);
      await t.http.delete(`/api/products/variants/${id}`).set('authorization', t.admin).expect(204);

      expectProblem(await post(ruleBody({ type: 'VARIANT', id })), 404, 'NOT_FOUND');
    });

    it('needs a token', async () => {
      const productId = await newProduct(t);

      const response = await t.http.post(RULES).send(ruleBody({ type: 'PRODUCT', id: productId }));

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });

    it('is forbidden to a customer', async () => {
      const productId = await newProduct(t);

      const response = await t.http
        .post(RULES)
        .set('authorization', t.customer('shopper', 'PLATINUM'))
        .send(ruleBody({ type: 'PRODUCT', id: productId }));

      expectProblem(response, 403, 'FORBIDDEN');
    });
  });

  describe('GET /api/pricing/rules', () => {
    it('pages through the rules, filtered by kind, scope and active', async () => {
      const productId = await newProduct(t);
      const scope = { type: 'PRODUCT', id: productId };
      const first = await createRule(t, ruleBody(scope));
      const second = await createRule(t, ruleBody(scope, { kind: 'CUSTOMER_TIER', condition: { tier: 'GOLD' } }));
      const third = await createRule(t, ruleBody(scope, { active: false }));

      const all = await t.http
        .get(RULES)
        .query({ scopeType: 'PRODUCT', scopeId: productId })
        .set('authorization', t.admin)
        .expect(200);
      const page = await t.http
        .get(RULES)
        .query({ scopeType: 'PRODUCT', scopeId: productId, limit: 1, offset: 1 })
        .set('authorization', t.admin)
        .expect(200);
      const quantityActive = await t.http
        .get(RULES)
        .query({ scopeType: 'PRODUCT', scopeId: productId, kind: 'QUANTITY', active: 'true' })
        .set('authorization', t.admin)
        .expect(200);

      expect(all.body).toEqual({ items: [first, second, third], total: 3, limit: 20, offset: 0 });
      expect(page.body).toEqual({ items: [second], total: 3, limit: 1, offset: 1 });
      expect(quantityActive.body.items).toEqual([first]);
    });

    it.each([
      ['limit=0', { limit: 0 }, 'limit'],
      ['limit=101', { limit: 101 }, 'limit'],
      ['kind=WEATHER', { kind: 'WEATHER' }, 'kind'],
      ['active=yes', { active: 'yes' }, 'active'],
      ['scopeId=1e3', { scopeId: '1e3' }, 'scopeId'],
      ['an unknown parameter', { color: 'red' }, 'color'],
    ])('refuses %s', async (_case, query, field) => {
      const response = await t.http.get(RULES).query(query).set('authorization', t.admin);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('is for admins only', async () => {
      expectProblem(await t.http.get(RULES), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get(RULES).set('authorization', t.customer()), 403, 'FORBIDDEN');
    });
  });

  describe('GET /api/pricing/rules/:id', () => {
    it('answers 404 for an unknown rule and 400 for a bad id', async () => {
      expectProblem(await get(UNKNOWN_ID), 404, 'NOT_FOUND');
      expectProblem(await get('abc'), 400, 'VALIDATION_FAILED');
      expectProblem(await get(0), 400, 'VALIDATION_FAILED');
    });

    it('is for admins only', async () => {
      const { id } = await createRule(t, ruleBody({ type: 'PRODUCT', id: await newProduct(t) }));

      expectProblem(await t.http.get(`${RULES}/${id}`), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.get(`${RULES}/${id}`).set('authorization', t.customer()), 403, 'FORBIDDEN');
    });
  });

  describe('PATCH /api/pricing/rules/:id', () => {
    it('changes the given fields and keeps the others', async () => {
      const productId = await newProduct(t);
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: productId }, { name: 'Before' }));

      const response = await patch(rule.id, { name: 'After', priority: 5, effect: { type: 'AMOUNT_OFF', value: 2 } });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        ...rule,
        name: 'After',
        priority: 5,
        effect: { type: 'AMOUNT_OFF', value: '2.00' },
        updatedAt: expect.any(String),
      });
      expect((await get(rule.id).expect(200)).body).toEqual(response.body);
    });

    it('changes the kind together with its condition and clears the old condition', async () => {
      const productId = await newProduct(t);
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: productId }));

      const response = await patch(rule.id, { kind: 'STOCK_LEVEL', condition: { maxAvailable: 3 } }).expect(200);

      expect(response.body).toMatchObject({ kind: 'STOCK_LEVEL', condition: { maxAvailable: 3 } });
      expect(response.body.condition).not.toHaveProperty('minQuantity');
    });

    it('checks the merged rule: a new kind without its condition is refused and nothing changes', async () => {
      const productId = await newProduct(t);
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: productId }));

      const response = await patch(rule.id, { kind: 'CUSTOMER_TIER' });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'condition.tier');
      expectFieldError(response, 'condition.minQuantity');
      expect((await get(rule.id).expect(200)).body).toEqual(rule);
    });

    it('checks the merged rule: a percent effect type with the old amount value over 100', async () => {
      const productId = await newProduct(t);
      const rule = await createRule(
        t,
        ruleBody({ type: 'PRODUCT', id: productId }, { effect: { type: 'AMOUNT_OFF', value: '150' } }),
      );

      const response = await patch(rule.id, { effect: { type: 'PERCENT_OFF', value: '150' } });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'effect.value');
    });

    it('moves the rule to another scope that exists, and refuses one that does not', async () => {
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: await newProduct(t) }));
      const categoryId = await newCategory(t);

      const moved = await patch(rule.id, { scope: { type: 'CATEGORY', id: categoryId } }).expect(200);
      const missing = await patch(rule.id, { scope: { type: 'VARIANT', id: UNKNOWN_ID } });

      expect(moved.body.scope).toEqual({ type: 'CATEGORY', id: categoryId });
      expectProblem(missing, 404, 'NOT_FOUND');
    });

    it.each([
      ['a null name', { name: null }, 'name'],
      ['a null condition', { condition: null }, 'condition'],
      ['an unknown field', { owner: 'me' }, 'owner'],
    ])('refuses %s', async (_case, body, field) => {
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: await newProduct(t) }));

      const response = await patch(rule.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('answers 404 for an unknown rule', async () => {
      expectProblem(await patch(UNKNOWN_ID, { name: 'x' }), 404, 'NOT_FOUND');
    });

    it('is forbidden to a customer', async () => {
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: await newProduct(t) }));

      const response = await t.http.patch(`${RULES}/${rule.id}`).set('authorization', t.customer()).send({ name: 'x' });

      expectProblem(response, 403, 'FORBIDDEN');
    });
  });

  describe('DELETE /api/pricing/rules/:id', () => {
    it('deletes the rule', async () => {
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: await newProduct(t) }));

      await remove(rule.id).expect(204);

      expectProblem(await get(rule.id), 404, 'NOT_FOUND');
      expectProblem(await remove(rule.id), 404, 'NOT_FOUND');
    });

    it('needs an admin token', async () => {
      const rule = await createRule(t, ruleBody({ type: 'PRODUCT', id: await newProduct(t) }));

      expectProblem(await t.http.delete(`${RULES}/${rule.id}`), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http.delete(`${RULES}/${rule.id}`).set('authorization', t.customer()), 403, 'FORBIDDEN');
      await get(rule.id).expect(200);
    });
  });
});
