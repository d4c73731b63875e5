import { purchaseLimitBreaches } from './purchase-limits';
import { CustomerExposure } from './customer-exposure';

const exposure = (
  limited: [number, { maxPerOrder: number | null; maxPerCustomer: number | null; alreadyHeld: number }][],
): CustomerExposure => ({ activeHolds: 0, limited: new Map(limited) });

describe('purchaseLimitBreaches', () => {
  it('lets lines of variants without limits through', () => {
    expect(purchaseLimitBreaches([{ variantId: 1, quantity: 1000 }], exposure([]))).toEqual([]);
  });

  it('allows exactly the limit, counting what the customer already holds', () => {
    const limits = exposure([[1, { maxPerOrder: 3, maxPerCustomer: 5, alreadyHeld: 2 }]]);
    expect(purchaseLimitBreaches([{ variantId: 1, quantity: 3 }], limits)).toEqual([]);
  });

  it('reports a per-order breach and a per-customer breach of one line', () => {
    const limits = exposure([[1, { maxPerOrder: 2, maxPerCustomer: 4, alreadyHeld: 2 }]]);
    expect(purchaseLimitBreaches([{ variantId: 1, quantity: 3 }], limits)).toEqual([
      { variantId: 1, limitKind: 'PER_ORDER', limit: 2, requested: 3, alreadyHeld: 0 },
      { variantId: 1, limitKind: 'PER_CUSTOMER', limit: 4, requested: 3, alreadyHeld: 2 },
    ]);
  });

  it('reports every breaching line, and only those', () => {
    const limits = exposure([
      [1, { maxPerOrder: null, maxPerCustomer: 1, alreadyHeld: 1 }],
      [2, { maxPerOrder: 5, maxPerCustomer: null, alreadyHeld: 0 }],
      [3, { maxPerOrder: 1, maxPerCustomer: null, alreadyHeld: 0 }],
    ]);
    const lines = [
      { variantId: 1, quantity: 1 },
      { variantId: 2, quantity: 5 },
      { variantId: 3, quantity: 2 },
    ];
    expect(purchaseLimitBreaches(lines, limits).map((breach) => [breach.variantId, breach.limitKind])).toEqual([
      [1, 'PER_CUSTOMER'],
      [3, 'PER_ORDER'],
    ]);
  });
});
