import { newCatalog, newCategory, newProduct, newVariant } from '../support/catalog.factory';
import { createRule, createSeedRules, quote, ruleBody, unitPriceOf } from '../support/pricing.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

// Each test prices a variant of its own and scopes its rules to that variant, its
// product or its categories: the database is shared with test files running in
// parallel, and no test here may create a GLOBAL rule (see pricing-global.e2e-spec.ts).

const UNKNOWN_ID = 2_147_483_647;
const QUOTES = '/api/pricing/quotes';

describe('pricing quotes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const setStock = (variantId: number, onHand: number) =>
    t.http.put(`/api/inventory/${variantId}`).set('authorization', t.admin).send({ onHand }).expect(200);

  describe('GET /api/pricing/:variantId/price', () => {
    it('quotes one STANDARD unit at the list price by default, publicly', async () => {
      const { variantId, sku } = await newCatalog(t);

      const response = await quote(t, variantId);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        variantId,
        sku,
        quantity: 1,
        tier: 'STANDARD',
        currency: 'USD',
        basePrice: '550.00',
        unitPrice: '550.00',
        totalPrice: '550.00',
        savings: '0.00',
        appliedRules: [],
      });
    });

    it('reproduces the seed numbers with the same two rules scoped to the product', async () => {
      const { productId, variantId } = await newCatalog(t);
      const scope = { type: 'PRODUCT', id: productId };
      const { volume, gold } = await createSeedRules(t, scope);

      const ten = await quote(t, variantId, { quantity: 10, tier: 'GOLD' }).expect(200);
      const five = await quote(t, variantId, { quantity: 5, tier: 'GOLD' }).expect(200);

      expect(ten.body).toMatchObject({
        quantity: 10,
        tier: 'GOLD',
        basePrice: '550.00',
        unitPrice: '420.75',
        totalPrice: '4207.50',
        savings: '1292.50',
        appliedRules: [
          { ruleId: volume.id, name: '10+ units', kind: 'QUANTITY', before: '550.00', after: '495.00' },
          { ruleId: gold.id, name: 'Gold', kind: 'CUSTOMER_TIER', before: '495.00', after: '420.75' },
        ],
      });
      expect(five.body).toMatchObject({ unitPrice: '467.50', totalPrice: '2337.50' });
      expect(ten.body).not.toHaveProperty('considered');
    });

    it('lets a variant rule win over a product rule over a category rule', async () => {
      const parent = await newCategory(t);
      const child = await newCategory(t, { parentId: parent });
      const productId = await newProduct(t, { categoryId: child });
      const { id: variantId } = await newVariant(t, { productId });
      const tierRule = (scope: object, percent: string) =>
        ruleBody(scope as { type: string }, {
          kind: 'CUSTOMER_TIER',
          condition: { tier: 'SILVER' },
          effect: { type: 'PERCENT_OFF', value: percent },
        });

      await createRule(t, tierRule({ type: 'CATEGORY', id: parent }, '1'));
      expect(await unitPriceOf(t, variantId, { tier: 'SILVER' })).toBe('544.50');
      await createRule(t, tierRule({ type: 'CATEGORY', id: child }, '2'));
      expect(await unitPriceOf(t, variantId, { tier: 'SILVER' })).toBe('539.00');
      await createRule(t, tierRule({ type: 'PRODUCT', id: productId }, '3'));
      expect(await unitPriceOf(t, variantId, { tier: 'SILVER' })).toBe('533.50');
      await createRule(t, tierRule({ type: 'VARIANT', id: variantId }, '4'));
      expect(await unitPriceOf(t, variantId, { tier: 'SILVER' })).toBe('528.00');
    });

    it('explains every rule it considered and why', async () => {
      const { productId, variantId } = await newCatalog(t);
      const scope = { type: 'PRODUCT', id: productId };
      const sale = await createRule(
        t,
        ruleBody(scope, {
          name: 'Sale',
          kind: 'SCHEDULE',
          condition: { startsAt: '2000-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z' },
          effect: { type: 'AMOUNT_OFF', value: '50' },
          stackable: false,
        }),
      );
      const expired = await createRule(
        t,
        ruleBody(scope, {
          name: 'Expired',
          kind: 'SCHEDULE',
          condition: { startsAt: '2000-01-01T00:00:00Z', endsAt: '2001-01-01T00:00:00Z' },
        }),
      );
      const weaker = await createRule(
        t,
        ruleBody(scope, {
          name: 'Weaker sale',
          kind: 'SCHEDULE',
          priority: -1,
          condition: { startsAt: '2000-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z' },
        }),
      );
      const retired = await createRule(t, ruleBody(scope, { name: 'Retired', active: false }));
      const gold = await createRule(
        t,
        ruleBody(scope, { name: 'Gold', kind: 'CUSTOMER_TIER', condition: { tier: 'GOLD' } }),
      );
      const platinum = await createRule(
        t,
        ruleBody(scope, { name: 'Platinum', kind: 'CUSTOMER_TIER', condition: { tier: 'PLATINUM' } }),
      );

      const response = await quote(t, variantId, { tier: 'GOLD', explain: true }).expect(200);

      expect(response.body.unitPrice).toBe('500.00');
      expect(response.body.appliedRules).toEqual([
        { ruleId: sale.id, name: 'Sale', kind: 'SCHEDULE', before: '550.00', after: '500.00' },
      ]);
      const summary = (response.body.considered as Record<string, unknown>[]).map((rule) => [
        rule.ruleId,
        rule.outcome,
        rule.reason,
        rule.byRuleId,
      ]);
      expect(summary).toEqual([
        [sale.id, 'APPLIED', 'APPLIED', null],
        [expired.id, 'SKIPPED', 'OUT_OF_WINDOW', null],
        [weaker.id, 'SKIPPED', 'OUTRANKED', sale.id],
        [retired.id, 'SKIPPED', 'INACTIVE', null],
        [gold.id, 'SKIPPED', 'NOT_STACKABLE', sale.id],
        [platinum.id, 'SKIPPED', 'CONDITION_NOT_MET', null],
      ]);
      expect(response.body.considered[0]).toEqual({
        ruleId: sale.id,
        name: 'Sale',
        kind: 'SCHEDULE',
        outcome: 'APPLIED',
        reason: 'APPLIED',
        byRuleId: null,
        detail: 'applied: 550.00 -> 500.00',
      });
      expect(response.body.considered[2].detail).toBe(`outranked by rule ${sale.id}`);
      expect(response.body.considered[4].detail).toBe(`not stackable after rule ${sale.id}`);
      expect(response.body.considered[5].detail).toBe('condition not met: tier GOLD is not PLATINUM');
    });

    it('answers explain=false without considered rules', async () => {
      const { variantId } = await newCatalog(t);

      const response = await quote(t, variantId, { explain: 'false' }).expect(200);

      expect(response.body).not.toHaveProperty('considered');
    });

    it.each([
      ['quantity=0', { quantity: 0 }, 'quantity'],
      ['quantity=10001', { quantity: 10001 }, 'quantity'],
      ['quantity=1.5', { quantity: '1.5' }, 'quantity'],
      ['quantity=1e3', { quantity: '1e3' }, 'quantity'],
      ['quantity=-1', { quantity: -1 }, 'quantity'],
      ['quantity=ten', { quantity: 'ten' }, 'quantity'],
      ['an unknown tier', { tier: 'DIAMOND' }, 'tier'],
      ['a lower-case tier', { tier: 'gold' }, 'tier'],
      ['explain=yes', { explain: 'yes' }, 'explain'],
      ['an unknown parameter', { currency: 'EUR' }, 'currency'],
    ])('refuses %s with 400', async (_case, query, field) => {
      const { variantId } = await newCatalog(t);

      const response = await quote(t, variantId, query);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('accepts the largest quantity', async () => {
      const { variantId } = await newCatalog(t);

      const response = await quote(t, variantId, { quantity: 10000 }).expect(200);

      expect(response.body.totalPrice).toBe('5500000.00');
    });

    it('refuses a variant id that is not an integer', async () => {
      const response = await t.http.get('/api/pricing/abc/price');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'variantId');
    });

    it('answers 404 for an unknown variant', async () => {
      const response = await quote(t, UNKNOWN_ID);

      expectProblem(response, 404, 'NOT_FOUND');
      expect(response.body.detail).toBe(`Variant ${UNKNOWN_ID} was not found`);
    });

    it('answers 404 for a deleted variant and for a variant of a deleted product', async () => {
      const deletedVariant = await newVariant(t);
      await t.http.delete(`/api/products/variants/${deletedVariant.id}`).set('authorization', t.admin).expect(204);
      const { productId, variantId } = await newCatalog(t);
      await t.http.delete(`/api/products/${productId}`).set('authorization', t.admin).expect(204);

      expectProblem(await quote(t, deletedVariant.id), 404, 'NOT_FOUND');
      expectProblem(await quote(t, variantId), 404, 'NOT_FOUND');
    });

    it('ignores a token: the tier comes from the query on this public route', async () => {
      const { productId, variantId } = await newCatalog(t);
      await createRule(
        t,
        ruleBody({ type: 'PRODUCT', id: productId }, { kind: 'CUSTOMER_TIER', condition: { tier: 'GOLD' } }),
      );

      const response = await quote(t, variantId).set('authorization', t.customer('goldie', 'GOLD')).expect(200);

      expect(response.body).toMatchObject({ tier: 'STANDARD', unitPrice: '550.00' });
    });
  });

  describe('the rule cache', () => {
    it('sees a rule created, changed, deactivated and deleted on this instance at once', async () => {
      const { variantId } = await newCatalog(t);
      const scope = { type: 'VARIANT', id: variantId };
      expect(await unitPriceOf(t, variantId)).toBe('550.00');

      const rule = await createRule(t, ruleBody(scope, { effect: { type: 'PERCENT_OFF', value: '10' } }));
      expect(await unitPriceOf(t, variantId)).toBe('495.00');

      await t.http
        .patch(`/api/pricing/rules/${rule.id}`)
        .set('authorization', t.admin)
        .send({ effect: { type: 'FIXED_PRICE', value: '99.99' } })
        .expect(200);
      expect(await unitPriceOf(t, variantId)).toBe('99.99');

      await t.http
        .patch(`/api/pricing/rules/${rule.id}`)
        .set('authorization', t.admin)
        .send({ active: false })
        .expect(200);
      expect(await unitPriceOf(t, variantId)).toBe('550.00');

      await t.http
        .patch(`/api/pricing/rules/${rule.id}`)
        .set('authorization', t.admin)
        .send({ active: true })
        .expect(200);
      expect(await unitPriceOf(t, variantId)).toBe('99.99');

      await t.http.delete(`/api/pricing/rules/${rule.id}`).set('authorization', t.admin).expect(204);
      expect(await unitPriceOf(t, variantId)).toBe('550.00');
    });

    it('reaches another instance on its next refresh', async () => {
      const other = await startTestApp({ PRICING_RULES_REFRESH_SECONDS: '1' });
      try {
        const { variantId } = await newCatalog(t);
        expect(await unitPriceOf(other, variantId)).toBe('550.00');

        await createRule(
          t,
          ruleBody({ type: 'VARIANT', id: variantId }, { effect: { type: 'AMOUNT_OFF', value: '50' } }),
        );

        const deadline = Date.now() + 5_000;
        let seen = await unitPriceOf(other, variantId);
        while (seen !== '500.00' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          seen = await unitPriceOf(other, variantId);
        }
        expect(seen).toBe('500.00');
      } finally {
        await other.close();
      }
    });
  });

  describe('stock-level rules', () => {
    it('applies while available stock is at or below the threshold, read from inventory', async () => {
      const { variantId } = await newCatalog(t);
      await createRule(
        t,
        ruleBody(
          { type: 'VARIANT', id: variantId },
          {
            name: 'Last units',
            kind: 'STOCK_LEVEL',
            condition: { maxAvailable: 5 },
            effect: { type: 'PERCENT_MARKUP', value: '20' },
          },
        ),
      );

      await setStock(variantId, 6);
      const plenty = await quote(t, variantId, { explain: true }).expect(200);
      await setStock(variantId, 5);
      const atThreshold = await unitPriceOf(t, variantId);
      await setStock(variantId, 0);
      const soldOut = await unitPriceOf(t, variantId);

      expect(plenty.body.unitPrice).toBe('550.00');
      expect(plenty.body.considered[0]).toMatchObject({
        reason: 'CONDITION_NOT_MET',
        detail: 'condition not met: available stock 6 is above 5',
      });
      expect(atThreshold).toBe('660.00');
      expect(soldOut).toBe('660.00');
    });

    it('counts a never-stocked variant as zero available', async () => {
      const { variantId } = await newCatalog(t);
      await createRule(
        t,
        ruleBody({ type: 'VARIANT', id: variantId }, { kind: 'STOCK_LEVEL', condition: { maxAvailable: 0 } }),
      );

      expect(await unitPriceOf(t, variantId)).toBe('495.00');
    });
  });

  describe('POST /api/pricing/quotes', () => {
    it('quotes many lines for one tier, in the order given, with their total', async () => {
      const { productId, variantId: first } = await newCatalog(t);
      const { id: second, sku: secondSku } = await newVariant(t, { productId, priceAdjustment: '0' });
      await createRule(
        t,
        ruleBody(
          { type: 'PRODUCT', id: productId },
          { kind: 'CUSTOMER_TIER', condition: { tier: 'GOLD' }, effect: { type: 'PERCENT_OFF', value: '15' } },
        ),
      );

      const response = await t.http.post(QUOTES).send({
        tier: 'GOLD',
        items: [
          { variantId: second, quantity: 2 },
          { variantId: first, quantity: 1 },
          { variantId: second, quantity: 1 },
        ],
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ tier: 'GOLD', currency: 'USD', totalPrice: '1742.50' });
      expect(response.body.items).toEqual([
        expect.objectContaining({
          variantId: second,
          sku: secondSku,
          quantity: 2,
          unitPrice: '425.00',
          totalPrice: '850.00',
        }),
        expect.objectContaining({ variantId: first, quantity: 1, unitPrice: '467.50', totalPrice: '467.50' }),
        expect.objectContaining({ variantId: second, quantity: 1, unitPrice: '425.00', totalPrice: '425.00' }),
      ]);
      expect(response.body.items[0]).not.toHaveProperty('considered');
    });

    it('defaults the tier to STANDARD', async () => {
      const { variantId } = await newCatalog(t);

      const response = await t.http
        .post(QUOTES)
        .send({ items: [{ variantId, quantity: 3 }] })
        .expect(200);

      expect(response.body).toMatchObject({ tier: 'STANDARD', totalPrice: '1650.00' });
    });

    it('answers 404 naming every unknown variant', async () => {
      const { variantId } = await newCatalog(t);

      const response = await t.http.post(QUOTES).send({
        items: [
          { variantId: UNKNOWN_ID, quantity: 1 },
          { variantId, quantity: 1 },
          { variantId: UNKNOWN_ID - 1, quantity: 1 },
        ],
      });

      expectProblem(response, 404, 'NOT_FOUND');
      expect(response.body.variantIds).toEqual([UNKNOWN_ID, UNKNOWN_ID - 1]);
    });

    it.each([
      ['no items', { items: [] }, 'items'],
      ['no items field', {}, 'items'],
      ['101 items', { items: Array.from({ length: 101 }, () => ({ variantId: 1, quantity: 1 })) }, 'items'],
      ['items that is not a list', { items: { variantId: 1, quantity: 1 } }, 'items'],
      ['a quantity of 0', { items: [{ variantId: 1, quantity: 0 }] }, 'items.0.quantity'],
      ['a quantity of 10001', { items: [{ variantId: 1, quantity: 10001 }] }, 'items.0.quantity'],
      ['a fractional quantity', { items: [{ variantId: 1, quantity: 1.5 }] }, 'items.0.quantity'],
      ['a missing variant id', { items: [{ quantity: 1 }] }, 'items.0.variantId'],
      ['an unknown tier', { tier: 'DIAMOND', items: [{ variantId: 1, quantity: 1 }] }, 'tier'],
      ['an unknown line field', { items: [{ variantId: 1, quantity: 1, price: '1.00' }] }, 'items.0.price'],
      ['an unknown field', { items: [{ variantId: 1, quantity: 1 }], explain: true }, 'explain'],
    ])('refuses %s with 400', async (_case, body, field) => {
      const response = await t.http.post(QUOTES).send(body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
    });

    it('refuses a body that is not an object', async () => {
      expectProblem(await t.http.post(QUOTES).send([{ variantId: 1, quantity: 1 }]), 400, 'VALIDATION_FAILED');
    });
  });
});
