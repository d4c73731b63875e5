import { ApiError, type Problem } from '../../api/problem';
import { currentFiguresOf, entityTagOf, neverStocked, signed, type StockLevel } from './figures';

const refused = (members: Partial<Problem>) =>
  new ApiError({ status: 412, code: 'PRECONDITION_FAILED', title: 'Precondition failed', ...members });

describe('currentFiguresOf', () => {
  it('gives the figures a refused compare-and-set answered with', () => {
    const current = { onHand: 8, reserved: 2, available: 6, version: 5 };

    expect(currentFiguresOf(refused({ current }))).toEqual(current);
  });

  it('gives nothing for a refusal without whole figures, or for another error', () => {
    expect(currentFiguresOf(refused({}))).toBeUndefined();
    expect(currentFiguresOf(refused({ current: 'stale' }))).toBeUndefined();
    expect(currentFiguresOf(refused({ current: { onHand: 8, reserved: 2, available: 6 } }))).toBeUndefined();
    expect(
      currentFiguresOf(refused({ current: { onHand: '8', reserved: 2, available: 6, version: 5 } })),
    ).toBeUndefined();
    expect(currentFiguresOf(new Error('network'))).toBeUndefined();
  });
});

describe('neverStocked', () => {
  const level = (figures: Partial<StockLevel>) => ({ onHand: 0, reserved: 0, version: 0, ...figures }) as StockLevel;

  it('tells the zeros of a variant never stocked from a variant counted down to zero', () => {
    expect(neverStocked(level({}))).toBe(true);
    expect(neverStocked(level({ version: 3 }))).toBe(false);
    expect(neverStocked(level({ onHand: 1 }))).toBe(false);
  });
});

describe('entityTagOf and signed', () => {
  it('spell a version as the ETag does, and a delta with its sign', () => {
    expect(entityTagOf(12)).toBe('"12"');
    expect([signed(5), signed(-3), signed(0)]).toEqual(['+5', '-3', '0']);
  });
});
