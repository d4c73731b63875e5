import fc from 'fast-check';
import { MAX_MONEY_MINOR, Money } from './money';

describe(Money.name, () => {
  describe('parse', () => {
    it.each([
      ['550', 55000],
      ['550.5', 55050],
      ['550.50', 55050],
      ['0', 0],
      ['0.01', 1],
      ['99999999.99', MAX_MONEY_MINOR],
      [550, 55000],
      [550.5, 55050],
      [0.1, 10],
      [19.99, 1999],
      [0, 0],
    ])('reads %p as %p minor units', (input, minor) => {
      expect(Money.parse(input).minor).toBe(minor);
    });

    it.each([
      ['-1'],
      [-1],
      ['1.234'],
      [1.234],
      ['100000000'],
      [100000000],
      ['1e3'],
      [1e21],
      [0.001],
      [Number.NaN],
      [Number.POSITIVE_INFINITY],
      [''],
      [' 5'],
      ['5.'],
      ['.5'],
      ['abc'],
      [null],
      [undefined],
      [true],
      [{}],
      [['5']],
    ])('rejects %p', (input) => {
      expect(Money.tryParse(input)).toBeNull();
      expect(() => Money.parse(input)).toThrow('not a valid amount');
    });

    it('round-trips every amount it formats', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: MAX_MONEY_MINOR }), (minor) => {
          const money = Money.ofMinor(minor);
          expect(Money.parse(money.format()).minor).toBe(minor);
        }),
      );
    });
  });

  describe('format', () => {
    it.each([
      [0, '0.00'],
      [5, '0.05'],
      [55050, '550.50'],
      [-105, '-1.05'],
      [MAX_MONEY_MINOR, '99999999.99'],
    ])('formats %p minor units as %p', (minor, text) => {
      expect(Money.ofMinor(minor).format()).toBe(text);
      expect(JSON.stringify({ price: Money.ofMinor(minor) })).toBe(`{"price":"${text}"}`);
    });
  });

  describe('percentage', () => {
    it.each([
      // amount, basis points, expected
      [55000, 1000, 5500], // 10 % of 550.00
      [49500, 1500, 7425], // 15 % of 495.00
      [1, 1500, 0], // 0.15 of a cent rounds down
      [10, 1500, 2], // 1.5 cents rounds half up
      [3, 5000, 2], // 1.5 cents rounds half up
      [1, 5000, 1], // 0.5 cent rounds half up
      [-3, 5000, -2], // half away from zero below zero
      [333, 3333, 111], // 110.9889 cents
    ])('%p minor at %p bp is %p', (minor, bp, expected) => {
      expect(Money.ofMinor(minor).percentage(bp).minor).toBe(expected);
    });

    it('is exact for the largest amounts and a 1000 % markup', () => {
      expect(Money.ofMinor(MAX_MONEY_MINOR).percentage(100_000).minor).toBe(MAX_MONEY_MINOR * 10);
    });

    it('differs from the exact rational result by at most half a cent, halves rounding up', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: MAX_MONEY_MINOR }), fc.integer({ min: 0, max: 10_000 }), (minor, bp) => {
          const result = BigInt(Money.ofMinor(minor).percentage(bp).minor) * 10_000n;
          const exact = BigInt(minor) * BigInt(bp);
          const diff = result - exact;
          expect(diff > -5_000n && diff <= 5_000n).toBe(true);
        }),
      );
    });
  });

  it('adds, subtracts and multiplies in integers', () => {
    const price = Money.parse('19.99');
    expect(price.times(3).format()).toBe('59.97');
    expect(price.plus(Money.parse('0.01')).format()).toBe('20.00');
    expect(price.minus(Money.parse('20')).format()).toBe('-0.01');
    expect(price.minus(Money.parse('20')).clampToZero().isZero()).toBe(true);
  });

  it('refuses non-integer minor units and quantities', () => {
    expect(() => Money.ofMinor(1.5)).toThrow(RangeError);
    expect(() => Money.ofMinor(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => Money.ZERO.times(1.5)).toThrow(RangeError);
  });
});
