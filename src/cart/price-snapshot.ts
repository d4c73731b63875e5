import { PriceQuote } from '../pricing';
import { CartItem } from './cart-item.entity';

/** What a line stores of its quote: what checkout will charge, and why. */
export type PriceSnapshot = Pick<
  CartItem,
  'sku' | 'productName' | 'quantity' | 'tier' | 'unitPrice' | 'basePrice' | 'appliedRules' | 'pricedAt'
>;

export function priceSnapshotOf(quote: PriceQuote): PriceSnapshot {
  return {
    sku: quote.sku,
    productName: quote.productName,
    quantity: quote.quantity,
    tier: quote.tier,
    unitPrice: quote.unitPrice,
    basePrice: quote.basePrice,
    appliedRules: quote.appliedRules.map((rule) => ({
      ruleId: rule.ruleId,
      name: rule.name,
      kind: rule.kind,
      beforeMinor: rule.before.minor,
      afterMinor: rule.after.minor,
    })),
    pricedAt: quote.pricedAt,
  };
}
