import { newCatalog, newCategory, newProduct, newVariant } from '../support/catalog.factory';
import { createRule, createSeedRules, quote, ruleBody, unitPriceOf } from '../support/pricing.factory';
import { startIsolatedTestApp, TestApp } from '../support/test-app';

// A GLOBAL rule changes every quote in its database, so these tests run on a database
// of their own (the shared one stays free of GLOBAL rules for the tests running in
// parallel), one after another, and every test deletes its rules afterwards.

const GLOBAL = { type: 'GLOBAL' };

describe('pricing with GLOBAL rules', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startIsolatedTestApp('pricing_global');
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    const page = await t.http.get('/api/pricing/rules?limit=100').set('authorization', t.admin).expect(200);
    for (const rule of page.body.items as { id: number }[]) {
      await t.http.delete(`/api/pricing/rules/${rule.id}`).set('authorization', t.admin).expect(204);
    }
  });

  const seedRules = () => createSeedRules(t, GLOBAL);

  it('creates a GLOBAL rule, answered with a null scope id', async () => {
    const response = await t.http
      .post('/api/pricing/rules')
      .set('authorization', t.admin)
      .send(ruleBody(GLOBAL, { name: 'Everything' }))
      .expect(201);

    expect(response.body.scope).toEqual({ type: 'GLOBAL', id: null });
  });

  it('reproduces the API example exactly: 550.00 -> 495.00 -> 420.75 a unit, 4207.50 for ten', async () => {
    const { variantId, sku } = await newCatalog(t);
    const { volume, gold } = await seedRules();

    const response = await quote(t, variantId, { quantity: 10, tier: 'GOLD' }).expect(200);

    expect(response.body).toEqual({
      variantId,
      sku,
      quantity: 10,
      tier: 'GOLD',
      currency: 'USD',
      basePrice: '550.00',
      unitPrice: '420.75',
      totalPrice: '4207.50',
      savings: '1292.50',
      appliedRules: [
        { ruleId: volume.id, name: '10+ units', kind: 'QUANTITY', before: '550.00', after: '495.00' },
        { ruleId: gold.id, name: 'Gold', kind: 'CUSTOMER_TIER', before: '495.00', after: '420.75' },
      ],
    });
  });

  it.each([
    [5, 'GOLD', '467.50', '2337.50'],
    [10, 'STANDARD', '495.00', '4950.00'],
    [1, 'STANDARD', '550.00', '550.00'],
    [9, 'PLATINUM', '550.00', '4950.00'],
  ])('prices %p %s units at %s each, %s in total', async (quantity, tier, unitPrice, totalPrice) => {
    const { variantId } = await newCatalog(t);
    await seedRules();

    const response = await quote(t, variantId, { quantity, tier }).expect(200);

    expect(response.body).toMatchObject({ unitPrice, totalPrice });
  });

  it('applies a GLOBAL rule to every variant, whatever its category', async () => {
    const first = await newCatalog(t);
    const second = await newCatalog(t);
    await createRule(t, ruleBody(GLOBAL, { effect: { type: 'AMOUNT_OFF', value: '50' } }));

    expect(await unitPriceOf(t, first.variantId)).toBe('500.00');
    expect(await unitPriceOf(t, second.variantId)).toBe('500.00');
  });

  it('lets a rule of the root category outrank a GLOBAL rule of higher priority, and says so', async () => {
    const root = await newCategory(t);
    const leaf = await newCategory(t, { parentId: root });
    const productId = await newProduct(t, { categoryId: leaf });
    const { id: variantId } = await newVariant(t, { productId });
    const global = await createRule(
      t,
      ruleBody(GLOBAL, { priority: 100, effect: { type: 'PERCENT_OFF', value: '50' } }),
    );
    const category = await createRule(t, ruleBody({ type: 'CATEGORY', id: root }));

    const response = await quote(t, variantId, { explain: true }).expect(200);

    expect(response.body.unitPrice).toBe('495.00');
    expect(response.body.considered).toEqual([
      expect.objectContaining({ ruleId: category.id, reason: 'APPLIED' }),
      expect.objectContaining({ ruleId: global.id, reason: 'OUTRANKED', byRuleId: category.id }),
    ]);
  });

  it('quotes many lines with the GLOBAL rules applied per line', async () => {
    const { variantId } = await newCatalog(t);
    await seedRules();

    const response = await t.http
      .post('/api/pricing/quotes')
      .send({
        tier: 'GOLD',
        items: [
          { variantId, quantity: 10 },
          { variantId, quantity: 5 },
        ],
      })
      .expect(200);

    expect(response.body.items.map((item: { unitPrice: string }) => item.unitPrice)).toEqual(['420.75', '467.50']);
    expect(response.body.totalPrice).toBe('6545.00');
  });
});
