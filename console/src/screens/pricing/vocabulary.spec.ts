import {
  conditionFieldsOf,
  describedBy,
  effectText,
  isoOfLocal,
  localOfIso,
  numberOf,
  RULE_KINDS,
  scopeText,
} from './vocabulary';

describe('isoOfLocal and localOfIso', () => {
  it('turn a datetime-local value into the instant it names in local time, and back', () => {
    const local = '2026-12-24T18:30';
    const iso = isoOfLocal(local);

    expect(iso).toBe(new Date(2026, 11, 24, 18, 30).toISOString());
    expect(localOfIso(iso)).toBe(local);
    expect(localOfIso(new Date(2026, 0, 2, 3, 4, 5).toISOString())).toBe('2026-01-02T03:04:05');
  });

  it('leave an empty moment out, and send what is not a date as typed, for the API to refuse', () => {
    expect(isoOfLocal('  ')).toBeUndefined();
    expect(isoOfLocal('next tuesday')).toBe('next tuesday');
    expect(localOfIso(undefined)).toBe('');
    expect(localOfIso('garbage')).toBe('');
  });
});

describe('numberOf', () => {
  it('leaves an empty input out and sends anything else as a number', () => {
    expect(numberOf('')).toBeUndefined();
    expect(numberOf(' ')).toBeUndefined();
    expect(numberOf('10')).toBe(10);
    expect(numberOf('abc')).toBeNaN();
  });
});

describe('the words for rules', () => {
  it('lists the kinds in the order the engine runs its stages, with the condition fields of each', () => {
    expect(RULE_KINDS).toEqual(['SCHEDULE', 'STOCK_LEVEL', 'QUANTITY', 'CUSTOMER_TIER']);
    expect(conditionFieldsOf('SCHEDULE')).toEqual(['startsAt', 'endsAt']);
    expect(conditionFieldsOf('CUSTOMER_TIER')).toEqual(['tier']);
  });

  it('says what an effect does and what a scope covers', () => {
    expect(effectText({ type: 'PERCENT_OFF', value: '10.00' })).toBe('10.00 % off');
    expect(effectText({ type: 'FIXED_PRICE', value: '99.00' })).toBe('fixed at 99.00');
    expect(scopeText({ type: 'GLOBAL', id: null })).toBe('GLOBAL');
    expect(scopeText({ type: 'PRODUCT', id: 4 })).toBe('PRODUCT 4');
  });

  it("ties an input to the API's message about it only when there is one", () => {
    expect(describedBy('rule-name', 'too long')).toEqual({
      id: 'rule-name',
      'aria-describedby': 'rule-name-error',
      'aria-invalid': true,
    });
    expect(describedBy('rule-name', undefined)).toEqual({
      id: 'rule-name',
      'aria-describedby': undefined,
      'aria-invalid': undefined,
    });
  });
});
