import { stockEventOf, stockStateOf } from './stock-state';

describe('stockStateOf', () => {
  it.each([
    [0, 5, 'OUT_OF_STOCK'],
    [1, 5, 'LOW_STOCK'],
    [5, 5, 'LOW_STOCK'],
    [6, 5, 'IN_STOCK'],
    [1, 0, 'IN_STOCK'],
    [0, 0, 'OUT_OF_STOCK'],
  ])('%p available with threshold %p is %s', (available, threshold, state) => {
    expect(stockStateOf(available, threshold)).toBe(state);
  });
});

describe('stockEventOf', () => {
  it.each([
    ['IN_STOCK', 'LOW_STOCK', 'stock.low'],
    ['IN_STOCK', 'OUT_OF_STOCK', 'stock.out'],
    ['LOW_STOCK', 'OUT_OF_STOCK', 'stock.out'],
    ['OUT_OF_STOCK', 'LOW_STOCK', 'stock.back_in_stock'],
    ['OUT_OF_STOCK', 'IN_STOCK', 'stock.back_in_stock'],
    ['LOW_STOCK', 'IN_STOCK', null],
    ['LOW_STOCK', 'LOW_STOCK', null],
  ] as const)('%s to %s announces %p', (from, to, event) => {
    expect(stockEventOf(from, to)).toBe(event);
  });
});
