import { CustomerTier } from '../shared/auth';
import { MAX_MONEY_MINOR, Money } from '../shared/money';
import { computePrice, PriceInput } from './price-engine';
import { Rule, RuleBase, RuleCondition, RuleEffect, RuleScope } from './rule';

// The line being priced: variant 100 of product 10, in category 3 under 2 under 1.
const VARIANT = 100;
const PRODUCT = 10;
const LEAF_CATEGORY = 3;
const MIDDLE_CATEGORY = 2;
const ROOT_CATEGORY = 1;
const NOW = new Date('2026-06-01T12:00:00.000Z');

const money = (text: string) => Money.parse(text);
const percentOff = (percent: number): RuleEffect => ({ type: 'PERCENT_OFF', basisPoints: Math.round(percent * 100) });
const markup = (percent: number): RuleEffect => ({ type: 'PERCENT_MARKUP', basisPoints: Math.round(percent * 100) });
const amountOff = (amount: string): RuleEffect => ({ type: 'AMOUNT_OFF', amount: money(amount) });
const fixedPrice = (amount: string): RuleEffect => ({ type: 'FIXED_PRICE', amount: money(amount) });

const GLOBAL: RuleScope = { type: 'GLOBAL', id: null };
const variantScope = (id = VARIANT): RuleScope => ({ type: 'VARIANT', id });
const productScope = (id = PRODUCT): RuleScope => ({ type: 'PRODUCT', id });
const categoryScope = (id: number): RuleScope => ({ type: 'CATEGORY', id });

const minQuantity = (min: number): RuleCondition => ({ kind: 'QUANTITY', condition: { minQuantity: min } });
const forTier = (tier: CustomerTier): RuleCondition => ({ kind: 'CUSTOMER_TIER', condition: { tier } });
const maxAvailable = (max: number): RuleCondition => ({ kind: 'STOCK_LEVEL', condition: { maxAvailable: max } });
const between = (startsAt: string, endsAt: string): RuleCondition => ({
  kind: 'SCHEDULE',
  condition: { startsAt: new Date(startsAt), endsAt: new Date(endsAt) },
});

function rule(id: number, condition: RuleCondition, rest: Partial<RuleBase> = {}): Rule {
  return {
    id,
    name: `rule ${id}`,
    scope: GLOBAL,
    effect: percentOff(10),
    priority: 0,
    stackable: true,
    active: true,
    ...rest,
    ...condition,
  };
}

function line(overrides: Partial<PriceInput> = {}): PriceInput {
  return {
    basePrice: money('550.00'),
    variantId: VARIANT,
    productId: PRODUCT,
    categoryPath: [LEAF_CATEGORY, MIDDLE_CATEGORY, ROOT_CATEGORY],
    quantity: 1,
    tier: 'STANDARD',
    now: NOW,
    available: undefined,
    ...overrides,
  };
}

const unitPriceOf = (input: PriceInput, rules: Rule[]) => computePrice(input, rules).unitPrice.format();
const appliedIdsOf = (input: PriceInput, rules: Rule[]) =>
  computePrice(input, rules).appliedRules.map((applied) => applied.ruleId);

describe(computePrice.name, () => {
  describe('the seed example: "10+ units" 10 % off and "Gold" 15 % off, both global, on 500.00 + 50.00', () => {
    const seedRules = [
      rule(1, minQuantity(10), { name: '10+ units', effect: percentOff(10) }),
      rule(2, forTier('GOLD'), { name: 'Gold', effect: percentOff(15) }),
    ];

    it('gives 550.00 -> 495.00 -> 420.75 a unit and 4207.50 for ten GOLD units', () => {
      const result = computePrice(line({ quantity: 10, tier: 'GOLD' }), seedRules);

      expect(result.basePrice.format()).toBe('550.00');
      expect(result.unitPrice.format()).toBe('420.75');
      expect(result.totalPrice.format()).toBe('4207.50');
      expect(result.savings.format()).toBe('1292.50');
      expect(result.appliedRules).toEqual([
        { ruleId: 1, name: '10+ units', kind: 'QUANTITY', before: money('550.00'), after: money('495.00') },
        { ruleId: 2, name: 'Gold', kind: 'CUSTOMER_TIER', before: money('495.00'), after: money('420.75') },
      ]);
    });

    it.each([
      // quantity, tier, unit price, total, applied rule ids
      [5, 'GOLD', '467.50', '2337.50', [2]],
      [10, 'STANDARD', '495.00', '4950.00', [1]],
      [9, 'STANDARD', '550.00', '4950.00', []],
      [1, 'SILVER', '550.00', '550.00', []],
    ] as const)('prices %p %s units at %s each, %s in total', (quantity, tier, unit, total, applied) => {
      const result = computePrice(line({ quantity, tier }), seedRules);

      expect(result.unitPrice.format()).toBe(unit);
      expect(result.totalPrice.format()).toBe(total);
      expect(result.appliedRules.map((applied) => applied.ruleId)).toEqual(applied);
    });

    it('does not apply a rule to an empty rule set: the list price stands', () => {
      const result = computePrice(line({ quantity: 3 }), []);

      expect(result).toEqual({
        basePrice: money('550.00'),
        unitPrice: money('550.00'),
        totalPrice: money('1650.00'),
        savings: Money.ZERO,
        appliedRules: [],
      });
    });
  });

  describe('stages', () => {
    it('applies SCHEDULE, STOCK_LEVEL, QUANTITY, CUSTOMER_TIER in that order, whatever the ids', () => {
      const rules = [
        rule(1, forTier('GOLD'), { effect: amountOff('1.00') }),
        rule(2, minQuantity(2), { effect: amountOff('2.00') }),
        rule(3, maxAvailable(5), { effect: amountOff('3.00') }),
        rule(4, between('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), { effect: amountOff('4.00') }),
      ];

      const result = computePrice(line({ quantity: 2, tier: 'GOLD', available: 5 }), rules);

      expect(result.appliedRules.map((applied) => [applied.kind, applied.after.format()])).toEqual([
        ['SCHEDULE', '546.00'],
        ['STOCK_LEVEL', '543.00'],
        ['QUANTITY', '541.00'],
        ['CUSTOMER_TIER', '540.00'],
      ]);
    });

    it('applies at most one rule of each kind', () => {
      const rules = [rule(1, minQuantity(1)), rule(2, minQuantity(1)), rule(3, minQuantity(1))];

      expect(appliedIdsOf(line(), rules)).toEqual([1]);
    });
  });

  describe('scope specificity: variant, product, nearest category, global', () => {
    it.each([
      ['variant over product', variantScope(), productScope()],
      ['product over the leaf category', productScope(), categoryScope(LEAF_CATEGORY)],
      ['the leaf category over its parent', categoryScope(LEAF_CATEGORY), categoryScope(MIDDLE_CATEGORY)],
      ['a nearer ancestor over the root', categoryScope(MIDDLE_CATEGORY), categoryScope(ROOT_CATEGORY)],
      ['the root category over global', categoryScope(ROOT_CATEGORY), GLOBAL],
      ['variant over global', variantScope(), GLOBAL],
    ])('prefers %s, even against a higher priority and a lower id', (_case, specific, general) => {
      const rules = [
        rule(1, forTier('GOLD'), { scope: general, priority: 100, effect: percentOff(50) }),
        rule(2, forTier('GOLD'), { scope: specific, priority: 0, effect: percentOff(10) }),
      ];

      const result = computePrice(line({ tier: 'GOLD' }), rules, { explain: true });

      expect(result.appliedRules.map((applied) => applied.ruleId)).toEqual([2]);
      expect(result.unitPrice.format()).toBe('495.00');
      expect(result.considered?.find((considered) => considered.ruleId === 1)).toMatchObject({
        outcome: 'SKIPPED',
        reason: 'OUTRANKED',
        byRuleId: 2,
        detail: 'outranked by rule 2',
      });
    });

    it.each([
      ['another variant', variantScope(101)],
      ['another product', productScope(11)],
      ['a category outside the path', categoryScope(99)],
    ])('ignores a rule scoped to %s, and does not list it when explaining', (_case, scope) => {
      const result = computePrice(line({ tier: 'GOLD' }), [rule(1, forTier('GOLD'), { scope })], { explain: true });

      expect(result.unitPrice.format()).toBe('550.00');
      expect(result.considered).toEqual([]);
    });
  });

  describe('ties within a scope', () => {
    it('prefers the higher priority', () => {
      const rules = [
        rule(1, forTier('GOLD'), { priority: 1, effect: percentOff(5) }),
        rule(2, forTier('GOLD'), { priority: 7, effect: percentOff(20) }),
      ];

      expect(appliedIdsOf(line({ tier: 'GOLD' }), rules)).toEqual([2]);
    });

    it('prefers the lower id when priorities are equal', () => {
      const rules = [
        rule(9, forTier('GOLD'), { effect: percentOff(50) }),
        rule(4, forTier('GOLD'), { effect: percentOff(5) }),
      ];

      expect(appliedIdsOf(line({ tier: 'GOLD' }), rules)).toEqual([4]);
      expect(unitPriceOf(line({ tier: 'GOLD' }), rules)).toBe('522.50');
    });

    it.each([
      [60, [2]], // both breaks hold: the larger one wins
      [50, [2]],
      [49, [1]],
      [9, []],
    ])('lets the larger volume break win: %p units apply %p', (quantity, applied) => {
      const rules = [
        rule(1, minQuantity(10), { effect: percentOff(5) }),
        rule(2, minQuantity(50), { effect: percentOff(20) }),
      ];

      expect(appliedIdsOf(line({ quantity }), rules)).toEqual(applied);
    });

    it('ranks priority above the size of a volume break', () => {
      const rules = [
        rule(1, minQuantity(10), { priority: 1, effect: percentOff(5) }),
        rule(2, minQuantity(50), { priority: 0, effect: percentOff(20) }),
      ];

      expect(appliedIdsOf(line({ quantity: 60 }), rules)).toEqual([1]);
    });

    it('ranks specificity above the size of a volume break', () => {
      const rules = [
        rule(1, minQuantity(50), { effect: percentOff(20) }),
        rule(2, minQuantity(10), { scope: productScope(), effect: percentOff(5) }),
      ];

      expect(appliedIdsOf(line({ quantity: 60 }), rules)).toEqual([2]);
    });
  });

  describe('stackability', () => {
    const sale = (stackable: boolean) =>
      rule(1, between('2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'), { effect: percentOff(20), stackable });
    const gold = rule(2, forTier('GOLD'), { effect: percentOff(15) });
    const volume = rule(3, minQuantity(2), { effect: percentOff(10) });

    it('ends the chain after a non-stackable rule that applies', () => {
      const result = computePrice(line({ tier: 'GOLD', quantity: 2 }), [sale(false), gold, volume], { explain: true });

      expect(result.appliedRules.map((applied) => applied.ruleId)).toEqual([1]);
      expect(result.unitPrice.format()).toBe('440.00');
      expect(result.considered?.filter((considered) => considered.outcome === 'SKIPPED')).toEqual([
        expect.objectContaining({
          ruleId: 3,
          reason: 'NOT_STACKABLE',
          byRuleId: 1,
          detail: 'not stackable after rule 1',
        }),
        expect.objectContaining({
          ruleId: 2,
          reason: 'NOT_STACKABLE',
          byRuleId: 1,
          detail: 'not stackable after rule 1',
        }),
      ]);
    });

    it('lets later stages apply after a stackable rule', () => {
      expect(appliedIdsOf(line({ tier: 'GOLD', quantity: 2 }), [sale(true), gold, volume])).toEqual([1, 3, 2]);
    });

    it('does not end the chain when the non-stackable rule does not apply', () => {
      const result = computePrice(line({ tier: 'GOLD', now: new Date('2026-08-01T00:00:00Z') }), [sale(false), gold]);

      expect(result.appliedRules.map((applied) => applied.ruleId)).toEqual([2]);
    });

    it('keeps the rules applied before a non-stackable rule of a later stage', () => {
      const lastWord = rule(4, forTier('GOLD'), { effect: fixedPrice('100.00'), stackable: false });

      expect(appliedIdsOf(line({ tier: 'GOLD', quantity: 2 }), [sale(true), volume, lastWord])).toEqual([1, 3, 4]);
    });

    it('still explains a later rule whose condition fails as not met, not as cut off', () => {
      const silver = rule(5, forTier('SILVER'), { effect: percentOff(15) });

      const result = computePrice(line({ tier: 'GOLD' }), [sale(false), silver], { explain: true });

      expect(result.considered?.find((considered) => considered.ruleId === 5)).toMatchObject({
        reason: 'CONDITION_NOT_MET',
        byRuleId: null,
      });
    });
  });

  describe('schedule windows: start inclusive, end exclusive', () => {
    const window = rule(1, between('2026-06-01T00:00:00.000Z', '2026-06-08T00:00:00.000Z'), {
      effect: percentOff(10),
    });

    it.each([
      ['one millisecond before the start', '2026-05-31T23:59:59.999Z', '550.00'],
      ['exactly at the start', '2026-06-01T00:00:00.000Z', '495.00'],
      ['inside the window', '2026-06-04T12:00:00.000Z', '495.00'],
      ['one millisecond before the end', '2026-06-07T23:59:59.999Z', '495.00'],
      ['exactly at the end', '2026-06-08T00:00:00.000Z', '550.00'],
    ])('%s (%s) prices %s', (_case, now, expected) => {
      expect(unitPriceOf(line({ now: new Date(now) }), [window])).toBe(expected);
    });

    it('explains a rule out of its window', () => {
      const result = computePrice(line({ now: new Date('2026-06-08T00:00:00.000Z') }), [window], { explain: true });

      expect(result.considered).toEqual([
        expect.objectContaining({ ruleId: 1, outcome: 'SKIPPED', reason: 'OUT_OF_WINDOW', byRuleId: null }),
      ]);
      expect(result.considered?.[0].detail).toMatch(/^out of window/);
    });
  });

  describe('stock-level rules', () => {
    const scarcity = rule(1, maxAvailable(5), { effect: markup(20) });

    it.each([
      [0, '660.00'],
      [4, '660.00'],
      [5, '660.00'],
      [6, '550.00'],
      [undefined, '550.00'],
    ])('with %p available prices %s (applies at or below 5)', (available, expected) => {
      expect(unitPriceOf(line({ available }), [scarcity])).toBe(expected);
    });

    it('explains why it did not apply', () => {
      const result = computePrice(line({ available: 6 }), [scarcity], { explain: true });

      expect(result.considered?.[0]).toMatchObject({ reason: 'CONDITION_NOT_MET' });
      expect(result.considered?.[0].detail).toContain('6');
    });
  });

  describe('effects', () => {
    it.each([
      ['PERCENT_OFF 10', percentOff(10), '550.00', '495.00'],
      ['PERCENT_OFF 100', percentOff(100), '550.00', '0.00'],
      ['PERCENT_OFF 0', percentOff(0), '550.00', '550.00'],
      ['PERCENT_MARKUP 25', markup(25), '550.00', '687.50'],
      ['PERCENT_MARKUP 1000', markup(1000), '550.00', '6050.00'],
      ['AMOUNT_OFF 50', amountOff('50.00'), '550.00', '500.00'],
      ['AMOUNT_OFF past zero', amountOff('600.00'), '550.00', '0.00'],
      ['AMOUNT_OFF of exactly the price', amountOff('550.00'), '550.00', '0.00'],
      ['FIXED_PRICE below the price', fixedPrice('99.99'), '550.00', '99.99'],
      ['FIXED_PRICE above the price', fixedPrice('600.00'), '550.00', '600.00'],
      ['FIXED_PRICE 0', fixedPrice('0'), '550.00', '0.00'],
    ])('%s takes %s to %s', (_case, effect, base, expected) => {
      expect(unitPriceOf(line({ basePrice: money(base) }), [rule(1, minQuantity(1), { effect })])).toBe(expected);
    });

    it('keeps a price at zero when later rules take more off', () => {
      const rules = [
        rule(1, minQuantity(1), { effect: amountOff('600.00') }),
        rule(2, forTier('GOLD'), { effect: amountOff('10.00') }),
      ];

      const result = computePrice(line({ tier: 'GOLD', quantity: 3 }), rules);

      expect(result.unitPrice.format()).toBe('0.00');
      expect(result.totalPrice.format()).toBe('0.00');
      expect(result.savings.format()).toBe('1650.00');
      expect(result.appliedRules[1]).toMatchObject({ before: Money.ZERO, after: Money.ZERO });
    });

    it('applies later percentages to a fixed price', () => {
      const rules = [
        rule(1, minQuantity(1), { effect: fixedPrice('100.00') }),
        rule(2, forTier('GOLD'), { effect: percentOff(15) }),
      ];

      expect(unitPriceOf(line({ tier: 'GOLD' }), rules)).toBe('85.00');
    });

    it('reports negative savings when a markup raised the price', () => {
      const result = computePrice(line({ quantity: 2 }), [rule(1, minQuantity(1), { effect: markup(10) })]);

      expect(result.totalPrice.format()).toBe('1210.00');
      expect(result.savings.format()).toBe('-110.00');
    });

    it('never lifts a price above 99,999,999.99 with a markup, so ten thousand units stay exact', () => {
      const top = Money.ofMinor(MAX_MONEY_MINOR);
      const rules = [
        rule(1, minQuantity(1), { effect: markup(1000) }),
        rule(2, forTier('STANDARD'), { effect: markup(1000) }),
      ];

      const result = computePrice(line({ basePrice: top, quantity: 10_000 }), rules);

      expect(result.unitPrice.format()).toBe('99999999.99');
      expect(result.totalPrice.minor).toBe(MAX_MONEY_MINOR * 10_000);
    });

    it('keeps, never raises, a list price that is already above the ceiling', () => {
      const above = Money.ofMinor(MAX_MONEY_MINOR + 500);

      expect(unitPriceOf(line({ basePrice: above }), [rule(1, minQuantity(1), { effect: markup(10) })])).toBe(
        above.format(),
      );
    });
  });

  describe('rounding: half-up to the cent after every step', () => {
    it.each([
      // base, percent off, expected: the resulting price is what rounds
      ['0.01', 15, '0.01'], // 0.0085
      ['0.01', 50, '0.01'], // 0.005: a half cent rounds up
      ['0.01', 60, '0.00'], // 0.004
      ['0.03', 50, '0.02'], // 0.015
      ['0.05', 10, '0.05'], // 0.045
      ['0.07', 15, '0.06'], // 0.0595
      ['1.00', 33.33, '0.67'], // 0.6667
      ['19.99', 15, '16.99'], // 16.9915
      ['495.00', 15, '420.75'],
    ])('%s at %p %% off is %s', (base, percent, expected) => {
      expect(
        unitPriceOf(line({ basePrice: money(base) }), [rule(1, minQuantity(1), { effect: percentOff(percent) })]),
      ).toBe(expected);
    });

    it.each([
      ['0.05', 10, '0.06'], // 0.055
      ['0.01', 50, '0.02'], // 0.015
      ['0.01', 0.01, '0.01'], // 0.010001
    ])('%s with a %p %% markup is %s', (base, percent, expected) => {
      expect(
        unitPriceOf(line({ basePrice: money(base) }), [rule(1, minQuantity(1), { effect: markup(percent) })]),
      ).toBe(expected);
    });

    it('rounds each step, not the product of all steps', () => {
      const rules = [
        rule(1, minQuantity(1), { effect: percentOff(10) }),
        rule(2, forTier('GOLD'), { effect: percentOff(15) }),
      ];

      // 0.15 -> 0.135 rounds to 0.14 -> 0.119 rounds to 0.12 (one rounding at the end would give 0.11)
      const result = computePrice(line({ basePrice: money('0.15'), tier: 'GOLD' }), rules);

      expect(result.appliedRules.map((applied) => applied.after.format())).toEqual(['0.14', '0.12']);
    });

    it('multiplies the rounded unit price by the quantity', () => {
      const result = computePrice(line({ basePrice: money('0.01'), quantity: 1000 }), [
        rule(1, minQuantity(1), { effect: percentOff(50) }),
      ]);

      expect(result.totalPrice.format()).toBe('10.00');
    });
  });

  describe('explain', () => {
    it('lists no considered rules unless asked', () => {
      expect(computePrice(line(), [rule(1, minQuantity(1))])).not.toHaveProperty('considered');
    });

    it('lists every covering rule stage by stage, best ranked first, with its outcome and reason', () => {
      const rules = [
        rule(1, minQuantity(10), { name: '10+ units' }),
        rule(2, forTier('GOLD'), { name: 'Gold', effect: percentOff(15) }),
        rule(3, minQuantity(5), { name: 'Retired', active: false }),
        rule(4, minQuantity(20), { name: '20+ units' }),
        rule(5, minQuantity(2), { name: 'Product pairs', scope: productScope() }),
        rule(6, forTier('GOLD'), { name: 'Elsewhere', scope: productScope(77) }),
      ];

      const result = computePrice(line({ quantity: 10, tier: 'GOLD' }), rules, { explain: true });

      expect(
        result.considered?.map(({ ruleId, outcome, reason, byRuleId }) => [ruleId, outcome, reason, byRuleId]),
      ).toEqual([
        [5, 'APPLIED', 'APPLIED', null],
        [4, 'SKIPPED', 'CONDITION_NOT_MET', null],
        [1, 'SKIPPED', 'OUTRANKED', 5],
        [3, 'SKIPPED', 'INACTIVE', null],
        [2, 'APPLIED', 'APPLIED', null],
      ]);
      expect(result.considered?.[0]).toEqual({
        ruleId: 5,
        name: 'Product pairs',
        kind: 'QUANTITY',
        outcome: 'APPLIED',
        reason: 'APPLIED',
        byRuleId: null,
        detail: 'applied: 550.00 -> 495.00',
      });
      expect(result.considered?.[1].detail).toBe('condition not met: quantity 10 is below 20');
      expect(result.considered?.[3].detail).toBe('inactive');
    });

    it('says which tier a tier rule wanted', () => {
      const result = computePrice(line({ tier: 'SILVER' }), [rule(1, forTier('GOLD'))], { explain: true });

      expect(result.considered?.[0]).toMatchObject({
        outcome: 'SKIPPED',
        reason: 'CONDITION_NOT_MET',
        detail: 'condition not met: tier SILVER is not GOLD',
      });
    });

    it('does not change the price', () => {
      const rules = [rule(1, minQuantity(1)), rule(2, forTier('STANDARD'), { effect: percentOff(3) })];
      const { considered: _considered, ...explained } = computePrice(line(), rules, { explain: true });

      expect(explained).toEqual(computePrice(line(), rules));
    });
  });
});
