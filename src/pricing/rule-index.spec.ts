import { validateEnv } from '../shared/config';
import { Rule, RuleScope } from './rule';
import { RuleIndex } from './rule-index';

function ruleIn(id: number, scope: RuleScope): Rule {
  return {
    id,
    name: `rule ${id}`,
    kind: 'QUANTITY',
    condition: { minQuantity: 1 },
    scope,
    effect: { type: 'PERCENT_OFF', basisPoints: 100 },
    priority: 0,
    stackable: true,
    active: id % 2 === 0,
  };
}

describe(RuleIndex.name, () => {
  const index = new RuleIndex([
    ruleIn(1, { type: 'GLOBAL', id: null }),
    ruleIn(2, { type: 'VARIANT', id: 100 }),
    ruleIn(3, { type: 'VARIANT', id: 101 }),
    ruleIn(4, { type: 'PRODUCT', id: 10 }),
    ruleIn(5, { type: 'PRODUCT', id: 11 }),
    ruleIn(6, { type: 'CATEGORY', id: 1 }),
    ruleIn(7, { type: 'CATEGORY', id: 3 }),
    ruleIn(8, { type: 'CATEGORY', id: 4 }),
  ]);

  it('returns exactly the rules whose scope covers the variant, active or not', () => {
    const ids = index.rulesFor({ variantId: 100, productId: 10, categoryPath: [3, 2, 1] }).map((rule) => rule.id);

    expect(ids.sort((a, b) => a - b)).toEqual([1, 2, 4, 6, 7]);
  });

  it('returns only the global rules for a variant nothing else names', () => {
    const ids = index.rulesFor({ variantId: 500, productId: 50, categoryPath: [9] }).map((rule) => rule.id);

    expect(ids).toEqual([1]);
  });

  it('is empty when there are no rules', () => {
    expect(RuleIndex.EMPTY.rulesFor({ variantId: 1, productId: 1, categoryPath: [1] })).toEqual([]);
  });
});

describe('PRICING_RULES_REFRESH_SECONDS', () => {
  it('defaults to 10 seconds', () => {
    expect(validateEnv({}).PRICING_RULES_REFRESH_SECONDS).toBe(10);
  });

  it('reads a number of seconds', () => {
    expect(validateEnv({ PRICING_RULES_REFRESH_SECONDS: '2' }).PRICING_RULES_REFRESH_SECONDS).toBe(2);
  });

  it.each(['0', '3601', 'soon', '1.5'])('refuses %p', (value) => {
    expect(() => validateEnv({ PRICING_RULES_REFRESH_SECONDS: value })).toThrow('PRICING_RULES_REFRESH_SECONDS');
  });
});
