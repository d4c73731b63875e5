import fc from 'fast-check';
import { CUSTOMER_TIERS } from '../shared/auth';
import { MAX_MONEY_MINOR, Money } from '../shared/money';
import { computePrice, PriceInput } from './price-engine';
import { MAX_QUOTE_QUANTITY, Rule, RuleCondition, RuleEffect, RuleScope } from './rule';

// The line: variant 100 of product 10 in category 3 under 2 under 1. Scopes are drawn
// from a pool that both covers and misses it, so rules compete and some never apply.
const VARIANT = 100;
const PRODUCT = 10;
const CATEGORY_PATH = [3, 2, 1];
const DAY_MS = 86_400_000;
const EPOCH = Date.parse('2026-01-01T00:00:00Z');

const coveringScope: fc.Arbitrary<RuleScope> = fc.oneof(
  fc.constant<RuleScope>({ type: 'GLOBAL', id: null }),
  fc.constant<RuleScope>({ type: 'VARIANT', id: VARIANT }),
  fc.constant<RuleScope>({ type: 'PRODUCT', id: PRODUCT }),
  fc.constantFrom(...CATEGORY_PATH).map((id): RuleScope => ({ type: 'CATEGORY', id })),
);

const missingScope: fc.Arbitrary<RuleScope> = fc.oneof(
  fc.constantFrom(101, 999).map((id): RuleScope => ({ type: 'VARIANT', id })),
  fc.constantFrom(11, 999).map((id): RuleScope => ({ type: 'PRODUCT', id })),
  fc.constantFrom(4, 999).map((id): RuleScope => ({ type: 'CATEGORY', id })),
);

const date = fc.integer({ min: 0, max: 60 }).map((day) => new Date(EPOCH + day * DAY_MS));

const condition: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.tuple(date, fc.integer({ min: 1, max: 30 })).map(([startsAt, days]): RuleCondition => ({
    kind: 'SCHEDULE',
    condition: { startsAt, endsAt: new Date(startsAt.getTime() + days * DAY_MS) },
  })),
  fc
    .integer({ min: 0, max: 20 })
    .map((maxAvailable): RuleCondition => ({ kind: 'STOCK_LEVEL', condition: { maxAvailable } })),
  fc
    .integer({ min: 1, max: 50 })
    .map((minQuantity): RuleCondition => ({ kind: 'QUANTITY', condition: { minQuantity } })),
  fc.constantFrom(...CUSTOMER_TIERS).map((tier): RuleCondition => ({ kind: 'CUSTOMER_TIER', condition: { tier } })),
);

const amount = fc.integer({ min: 0, max: MAX_MONEY_MINOR }).map((minor) => Money.ofMinor(minor));
const effect: fc.Arbitrary<RuleEffect> = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }).map((basisPoints): RuleEffect => ({ type: 'PERCENT_OFF', basisPoints })),
  fc.integer({ min: 0, max: 100_000 }).map((basisPoints): RuleEffect => ({ type: 'PERCENT_MARKUP', basisPoints })),
  amount.map((value): RuleEffect => ({ type: 'AMOUNT_OFF', amount: value })),
  amount.map((value): RuleEffect => ({ type: 'FIXED_PRICE', amount: value })),
);

function ruleWith(scope: fc.Arbitrary<RuleScope>): fc.Arbitrary<Omit<Rule, 'id'>> {
  return fc
    .record({
      scope,
      condition,
      effect,
      priority: fc.integer({ min: -2, max: 2 }),
      stackable: fc.boolean(),
      active: fc.boolean(),
    })
    .map(({ condition: kindAndCondition, ...rest }) => ({ name: 'generated', ...rest, ...kindAndCondition }));
}

/** Rules with distinct ids (as stored), mostly covering the line. */
const rules: fc.Arbitrary<Rule[]> = fc
  .array(ruleWith(fc.oneof({ weight: 4, arbitrary: coveringScope }, { weight: 1, arbitrary: missingScope })), {
    maxLength: 12,
  })
  .map((drafts) => drafts.map((draft, index) => ({ ...draft, id: index + 1 }) as Rule));

const input: fc.Arbitrary<PriceInput> = fc.record({
  basePrice: fc.integer({ min: 0, max: 2 * MAX_MONEY_MINOR }).map((minor) => Money.ofMinor(minor)),
  variantId: fc.constant(VARIANT),
  productId: fc.constant(PRODUCT),
  categoryPath: fc.constant(CATEGORY_PATH),
  quantity: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constant(MAX_QUOTE_QUANTITY)),
  tier: fc.constantFrom(...CUSTOMER_TIERS),
  now: date.chain((day) => fc.integer({ min: 0, max: DAY_MS - 1 }).map((ms) => new Date(day.getTime() + ms))),
  available: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
});

describe(`${computePrice.name} properties`, () => {
  it('never prices below zero, and the total is the unit price times the quantity', () => {
    fc.assert(
      fc.property(input, rules, (line, ruleSet) => {
        const result = computePrice(line, ruleSet);

        expect(result.unitPrice.minor).toBeGreaterThanOrEqual(0);
        expect(result.totalPrice.minor).toBe(result.unitPrice.minor * line.quantity);
        expect(Number.isSafeInteger(result.totalPrice.minor)).toBe(true);
        for (const applied of result.appliedRules) expect(applied.after.minor).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('does not depend on the order the rules are stored in', () => {
    fc.assert(
      fc.property(
        input,
        rules.chain((ruleSet) =>
          fc.tuple(
            fc.constant(ruleSet),
            fc.shuffledSubarray(ruleSet, { minLength: ruleSet.length, maxLength: ruleSet.length }),
          ),
        ),
        (line, [stored, shuffled]) => {
          expect(computePrice(line, shuffled, { explain: true })).toEqual(
            computePrice(line, stored, { explain: true }),
          );
        },
      ),
    );
  });

  it('is not changed by a rule whose scope does not cover the variant', () => {
    fc.assert(
      fc.property(input, rules, ruleWith(missingScope), (line, ruleSet, draft) => {
        const outsider = { ...draft, id: ruleSet.length + 1 } as Rule;

        expect(computePrice(line, [...ruleSet, outsider], { explain: true })).toEqual(
          computePrice(line, ruleSet, { explain: true }),
        );
      }),
    );
  });

  it('is not changed by removing a rule that did not apply', () => {
    fc.assert(
      fc.property(input, rules, (line, ruleSet) => {
        const before = computePrice(line, ruleSet);
        const applied = new Set(before.appliedRules.map((rule) => rule.ruleId));

        for (const removed of ruleSet.filter((rule) => !applied.has(rule.id))) {
          const after = computePrice(
            line,
            ruleSet.filter((rule) => rule !== removed),
          );
          expect(after).toEqual(before);
        }
      }),
    );
  });

  it('applies at most one rule per stage, in stage order', () => {
    const stageOrder = ['SCHEDULE', 'STOCK_LEVEL', 'QUANTITY', 'CUSTOMER_TIER'];
    fc.assert(
      fc.property(input, rules, (line, ruleSet) => {
        const stages = computePrice(line, ruleSet).appliedRules.map((rule) => stageOrder.indexOf(rule.kind));

        expect(stages).toEqual([...new Set(stages)].sort((a, b) => a - b));
      }),
    );
  });
});
