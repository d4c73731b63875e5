import { newCatalog } from '../support/catalog.factory';
import { createRule, ruleBody } from '../support/pricing.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

/** GET /api/pricing/:variantId/preview: an admin prices a variant at any moment, with the explanation. */
describe('price previews', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const preview = (variantId: number, query: string, authorization = t.admin) =>
    t.http.get(`/api/pricing/${variantId}/preview?${query}`).set('authorization', authorization);

  it('prices a scheduled sale inside its window, and explains why it does not apply outside it', async () => {
    const { productId, variantId } = await newCatalog(t);
    const sale = await createRule(
      t,
      ruleBody(
        { type: 'PRODUCT', id: productId },
        {
          name: 'Black Friday',
          kind: 'SCHEDULE',
          condition: { startsAt: '2099-11-27T00:00:00Z', endsAt: '2099-11-30T00:00:00Z' },
          effect: { type: 'PERCENT_OFF', value: '20' },
        },
      ),
    );

    const during = await preview(variantId, 'at=2099-11-28T12:00:00Z&quantity=2&tier=GOLD');
    const today = await preview(variantId, 'quantity=2');

    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ quantity: 2, tier: 'GOLD', basePrice: '550.00', unitPrice: '440.00' });
    expect(during.body.appliedRules).toEqual([expect.objectContaining({ ruleId: sale.id, after: '440.00' })]);
    expect(today.body.unitPrice).toBe('550.00');
    expect(today.body.considered).toEqual([
      expect.objectContaining({ ruleId: sale.id, outcome: 'SKIPPED', reason: 'OUT_OF_WINDOW' }),
    ]);
  });

  it('is for admins only: a scheduled sale does not show before it starts', async () => {
    const { variantId } = await newCatalog(t);

    expectProblem(await preview(variantId, 'quantity=1', t.customer('shopper')), 403, 'FORBIDDEN');
    expectProblem(await t.http.get(`/api/pricing/${variantId}/preview`), 401, 'UNAUTHENTICATED');
  });

  it.each(['at=tomorrow', 'at=2099-11-28T12:00:00', 'quantity=0', 'tier=DIAMOND'])(
    'answers 400 for %s',
    async (query) => {
      const { variantId } = await newCatalog(t);

      const response = await preview(variantId, query);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, query.split('=')[0]);
    },
  );

  it('answers 404 for an unknown variant', async () => {
    expectProblem(await preview(2_147_483_647, 'quantity=1'), 404, 'NOT_FOUND');
  });
});
