import { Money } from '../../shared/money';
import { MAX_RESERVE_QUANTITY, mergeReserveLines, ReserveLine } from './reserve-lines';

const line = (variantId: number, quantity: number, unitPrice = '10.00', sku = `SKU-${variantId}`): ReserveLine => ({
  variantId,
  sku,
  quantity,
  unitPrice: Money.parse(unitPrice),
});

/** The comparable parts of merged lines. */
const plain = (lines: ReserveLine[]) =>
  lines.map(({ variantId, sku, quantity, unitPrice }) => ({ variantId, sku, quantity, unitPrice: unitPrice.format() }));

describe(mergeReserveLines.name, () => {
  describe('merging and ordering', () => {
    it('keeps a single line as it is', () => {
      expect(plain(mergeReserveLines([line(7, 3, '12.50')]))).toEqual([
        { variantId: 7, sku: 'SKU-7', quantity: 3, unitPrice: '12.50' },
      ]);
    });

    it('sorts lines by ascending variant id, whatever the request order', () => {
      const merged = mergeReserveLines([line(30, 1), line(2, 1), line(100, 1), line(11, 1)]);

      expect(merged.map((entry) => entry.variantId)).toEqual([2, 11, 30, 100]);
    });

    it('sorts numerically, not as text', () => {
      const merged = mergeReserveLines([line(10, 1), line(9, 1), line(100, 1)]);

      expect(merged.map((entry) => entry.variantId)).toEqual([9, 10, 100]);
    });

    it('merges lines of the same variant by adding their quantities', () => {
      const merged = mergeReserveLines([line(5, 2), line(3, 1), line(5, 4), line(3, 6), line(5, 1)]);

      expect(plain(merged)).toEqual([
        { variantId: 3, sku: 'SKU-3', quantity: 7, unitPrice: '10.00' },
        { variantId: 5, sku: 'SKU-5', quantity: 7, unitPrice: '10.00' },
      ]);
    });

    it('keeps the SKU of the first line of a variant', () => {
      const merged = mergeReserveLines([line(4, 1, '1.00', 'FIRST'), line(4, 1, '1.00', 'SECOND')]);

      expect(plain(merged)).toEqual([{ variantId: 4, sku: 'FIRST', quantity: 2, unitPrice: '1.00' }]);
    });

    it('does not change the lines it was given', () => {
      const lines = [line(2, 1), line(1, 5), line(2, 3)];
      const copy = plain(lines);

      mergeReserveLines(lines);

      expect(plain(lines)).toEqual(copy);
      expect(lines.map((given) => given.variantId)).toEqual([2, 1, 2]);
    });

    it('answers new objects, so that changing the result leaves the input alone', () => {
      const lines = [line(1, 1)];

      const [merged] = mergeReserveLines(lines);
      merged.quantity = 99;

      expect(lines[0].quantity).toBe(1);
    });

    it('accepts a merged quantity of exactly the limit', () => {
      const half = MAX_RESERVE_QUANTITY / 2;

      const merged = mergeReserveLines([line(1, half), line(1, half)]);

      expect(merged[0].quantity).toBe(MAX_RESERVE_QUANTITY);
    });

    it('accepts a unit price of zero', () => {
      expect(plain(mergeReserveLines([line(1, 2, '0'), line(1, 1, '0.00')]))).toEqual([
        { variantId: 1, sku: 'SKU-1', quantity: 3, unitPrice: '0.00' },
      ]);
    });

    it('accepts the largest variant id a catalog id can have', () => {
      expect(mergeReserveLines([line(2_147_483_647, 1)])[0].variantId).toBe(2_147_483_647);
    });
  });

  describe('input a caller should never send', () => {
    it('refuses an empty request', () => {
      expect(() => mergeReserveLines([])).toThrow(RangeError);
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
      'refuses the variant id %p',
      (variantId) => {
        expect(() => mergeReserveLines([line(1, 1), line(variantId, 1)])).toThrow(RangeError);
      },
    );

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_RESERVE_QUANTITY + 1])(
      'refuses the quantity %p',
      (quantity) => {
        expect(() => mergeReserveLines([line(1, 1), line(2, quantity)])).toThrow(RangeError);
      },
    );

    it('refuses a quantity that is not a number', () => {
      const bad = { ...line(1, 1), quantity: '2' as unknown as number };

      expect(() => mergeReserveLines([bad])).toThrow(RangeError);
    });

    it('refuses lines of one variant whose merged quantity exceeds the limit', () => {
      expect(() => mergeReserveLines([line(1, MAX_RESERVE_QUANTITY), line(1, 1)])).toThrow(
        /Invalid quantity 1000001 for variant 1/,
      );
    });

    it('refuses lines of one variant that disagree on the unit price', () => {
      expect(() => mergeReserveLines([line(8, 1, '10.00'), line(9, 1), line(8, 1, '10.01')])).toThrow(
        /variant 8 disagree on the unit price/,
      );
    });

    it('lets different variants have different prices', () => {
      expect(plain(mergeReserveLines([line(2, 1, '3.00'), line(1, 1, '4.00')]))).toEqual([
        { variantId: 1, sku: 'SKU-1', quantity: 1, unitPrice: '4.00' },
        { variantId: 2, sku: 'SKU-2', quantity: 1, unitPrice: '3.00' },
      ]);
    });

    it('treats prices written differently but equal as the same price', () => {
      const merged = mergeReserveLines([line(1, 1, '5'), line(1, 2, '5.00'), line(1, 1, '5.0')]);

      expect(plain(merged)).toEqual([{ variantId: 1, sku: 'SKU-1', quantity: 4, unitPrice: '5.00' }]);
    });
  });
});
