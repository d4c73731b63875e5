import { ValidationFailedError } from '../shared/errors';
import { Money } from '../shared/money';
import { formatPercent, parsePercent } from './percent';
import { parseRuleDefinition, RuleInput, toRuleInput } from './rule-definition';

function input(overrides: Partial<RuleInput> = {}): RuleInput {
  return {
    name: '10+ units',
    kind: 'QUANTITY',
    scope: { type: 'GLOBAL' },
    condition: { minQuantity: 10 },
    effect: { type: 'PERCENT_OFF', value: '10' },
    priority: 0,
    stackable: true,
    active: true,
    ...overrides,
  };
}

/** The field errors of an input that must fail. */
function fieldErrorsOf(rule: RuleInput): string[] {
  try {
    parseRuleDefinition(rule);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).errors.map((fieldError) => fieldError.field);
  }
  throw new Error('expected the input to be refused');
}

describe(parseRuleDefinition.name, () => {
  it('reads a valid rule into its typed definition', () => {
    expect(parseRuleDefinition(input())).toEqual({
      name: '10+ units',
      kind: 'QUANTITY',
      scope: { type: 'GLOBAL', id: null },
      condition: { minQuantity: 10 },
      effect: { type: 'PERCENT_OFF', basisPoints: 1000 },
      priority: 0,
      stackable: true,
      active: true,
    });
  });

  it.each([
    ['SCHEDULE', { startsAt: '2026-11-27T00:00:00Z', endsAt: '2026-11-30T00:00:00+01:00' }],
    ['STOCK_LEVEL', { maxAvailable: 0 }],
    ['QUANTITY', { minQuantity: 1 }],
    ['CUSTOMER_TIER', { tier: 'PLATINUM' as const }],
  ] as const)('accepts a %s rule with its own condition', (kind, condition) => {
    expect(parseRuleDefinition(input({ kind, condition })).kind).toBe(kind);
  });

  it.each([
    ['a QUANTITY rule without minQuantity', input({ condition: {} }), ['condition.minQuantity']],
    ['a CUSTOMER_TIER rule without a tier', input({ kind: 'CUSTOMER_TIER', condition: {} }), ['condition.tier']],
    [
      'a STOCK_LEVEL rule without maxAvailable',
      input({ kind: 'STOCK_LEVEL', condition: {} }),
      ['condition.maxAvailable'],
    ],
    [
      'a SCHEDULE rule without its window',
      input({ kind: 'SCHEDULE', condition: {} }),
      ['condition.startsAt', 'condition.endsAt'],
    ],
    [
      'a SCHEDULE rule ending before it starts',
      input({ kind: 'SCHEDULE', condition: { startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' } }),
      ['condition.endsAt'],
    ],
    [
      'a SCHEDULE rule ending when it starts',
      input({ kind: 'SCHEDULE', condition: { startsAt: '2026-12-01T01:00:00+01:00', endsAt: '2026-12-01T00:00:00Z' } }),
      ['condition.endsAt'],
    ],
    ['a condition of another kind', input({ condition: { minQuantity: 10, tier: 'GOLD' } }), ['condition.tier']],
    ['a GLOBAL scope with an id', input({ scope: { type: 'GLOBAL', id: 3 } }), ['scope.id']],
    ['a CATEGORY scope without an id', input({ scope: { type: 'CATEGORY' } }), ['scope.id']],
    ['a VARIANT scope with a null id', input({ scope: { type: 'VARIANT', id: null } }), ['scope.id']],
    ['PERCENT_OFF above 100', input({ effect: { type: 'PERCENT_OFF', value: '100.01' } }), ['effect.value']],
    ['PERCENT_MARKUP above 1000', input({ effect: { type: 'PERCENT_MARKUP', value: 1000.01 } }), ['effect.value']],
    ['a percent with three decimals', input({ effect: { type: 'PERCENT_OFF', value: '1.005' } }), ['effect.value']],
    ['a negative percent', input({ effect: { type: 'PERCENT_OFF', value: -5 } }), ['effect.value']],
    ['an amount with three decimals', input({ effect: { type: 'AMOUNT_OFF', value: '1.005' } }), ['effect.value']],
    ['an amount above the maximum', input({ effect: { type: 'FIXED_PRICE', value: '100000000' } }), ['effect.value']],
    [
      'several problems at once',
      input({ scope: { type: 'PRODUCT' }, condition: {}, effect: { type: 'PERCENT_OFF', value: '101' } }),
      ['scope.id', 'condition.minQuantity', 'effect.value'],
    ],
  ])('refuses %s', (_case, rule, fields) => {
    expect(fieldErrorsOf(rule)).toEqual(fields);
  });

  it.each([
    ['PERCENT_OFF', '100', { basisPoints: 10_000 }],
    ['PERCENT_OFF', 12.5, { basisPoints: 1250 }],
    ['PERCENT_MARKUP', '1000', { basisPoints: 100_000 }],
    ['AMOUNT_OFF', '50', { amount: Money.parse('50.00') }],
    ['FIXED_PRICE', 0, { amount: Money.ZERO }],
  ] as const)('reads a %s of %p', (type, value, expected) => {
    expect(parseRuleDefinition(input({ effect: { type, value } })).effect).toEqual({ type, ...expected });
  });

  it('writes a stored rule back as input that reads the same', () => {
    const definition = parseRuleDefinition(
      input({
        kind: 'SCHEDULE',
        condition: { startsAt: '2026-11-27T00:00:00.000Z', endsAt: '2026-11-30T00:00:00.000Z' },
        scope: { type: 'CATEGORY', id: 4 },
        effect: { type: 'AMOUNT_OFF', value: '5.5' },
      }),
    );

    expect(parseRuleDefinition(toRuleInput(definition))).toEqual(definition);
  });
});

describe(parsePercent.name, () => {
  it.each([
    ['10', 1000],
    ['10.5', 1050],
    ['0.01', 1],
    [15, 1500],
    [33.33, 3333],
    ['1000', 100_000],
  ])('reads %p as %p basis points', (value, basisPoints) => {
    expect(parsePercent(value)).toBe(basisPoints);
  });

  it.each([['-1'], [-1], ['1.001'], [0.001], ['1e2'], [''], ['abc'], [null], [Number.NaN], [true], ['10000']])(
    'refuses %p',
    (value) => {
      expect(parsePercent(value)).toBeNull();
    },
  );

  it('formats basis points with two decimals', () => {
    expect([0, 1, 1050, 100_000].map(formatPercent)).toEqual(['0.00', '0.01', '10.50', '1000.00']);
  });
});
