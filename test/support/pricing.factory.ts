import { TestApp, unique } from './test-app';

export type RuleBody = Record<string, unknown>;

/** A valid rule body: 10 % off from one unit, for the given scope. Override any field. */
export function ruleBody(scope: { type: string; id?: number | null }, overrides: RuleBody = {}): RuleBody {
  return {
    name: unique('Rule'),
    kind: 'QUANTITY',
    scope,
    condition: { minQuantity: 1 },
    effect: { type: 'PERCENT_OFF', value: '10' },
    ...overrides,
  };
}

/** Creates a rule through the API and returns its body (the rule as the API answers it). */
export async function createRule(t: TestApp, body: RuleBody): Promise<Record<string, unknown> & { id: number }> {
  const response = await t.http.post('/api/pricing/rules').set('authorization', t.admin).send(body);
  if (response.status !== 201) {
    throw new Error(`creating a rule answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** The two rules of the seed and API.md's example, "10+ units: 10 % off" and "Gold: 15 % off", in one scope. */
export async function createSeedRules(t: TestApp, scope: { type: string; id?: number | null }) {
  const volume = await createRule(t, ruleBody(scope, { name: '10+ units', condition: { minQuantity: 10 } }));
  const gold = await createRule(
    t,
    ruleBody(scope, {
      name: 'Gold',
      kind: 'CUSTOMER_TIER',
      condition: { tier: 'GOLD' },
      effect: { type: 'PERCENT_OFF', value: '15' },
    }),
  );
  return { volume, gold };
}

/** GET /api/pricing/:variantId/price with the given query; asserts nothing. */
export function quote(t: TestApp, variantId: number, query: Record<string, string | number | boolean> = {}) {
  return t.http.get(`/api/pricing/${variantId}/price`).query(query);
}

/** The unit price a quote answers, asserting it is a 200. */
export async function unitPriceOf(
  t: TestApp,
  variantId: number,
  query: Record<string, string | number | boolean> = {},
): Promise<string> {
  const response = await quote(t, variantId, query).expect(200);
  return response.body.unitPrice as string;
}
