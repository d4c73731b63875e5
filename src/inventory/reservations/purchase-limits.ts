import { LimitedLine, PurchaseLimitExceededError, TooManyHoldsError } from '../inventory.errors';
import { CustomerExposure } from './customer-exposure';

export interface RequestedUnits {
  variantId: number;
  /** Units of the variant in one order (a cart line, or a reservation's merged line). */
  quantity: number;
}

/**
 * The lines that go past a purchase limit of their variant: more units in one order than
 * `maxPerOrder`, or more than `maxPerCustomer` together with what the customer already
 * holds or bought within the window. Both caps of one line are reported when both break.
 */
export function purchaseLimitBreaches(lines: readonly RequestedUnits[], exposure: CustomerExposure): LimitedLine[] {
  const breaches: LimitedLine[] = [];
  for (const line of lines) {
    const limits = exposure.limited.get(line.variantId);
    if (!limits) continue;
    if (limits.maxPerOrder !== null && line.quantity > limits.maxPerOrder) {
      breaches.push({
        variantId: line.variantId,
        limitKind: 'PER_ORDER',
        limit: limits.maxPerOrder,
        requested: line.quantity,
        alreadyHeld: 0,
      });
    }
    if (limits.maxPerCustomer !== null && limits.alreadyHeld + line.quantity > limits.maxPerCustomer) {
      breaches.push({
        variantId: line.variantId,
        limitKind: 'PER_CUSTOMER',
        limit: limits.maxPerCustomer,
        requested: line.quantity,
        alreadyHeld: limits.alreadyHeld,
      });
    }
  }
  return breaches;
}

/**
 * Fails with TOO_MANY_HOLDS when the customer already holds `maxHolds` live reservations,
 * and with PURCHASE_LIMIT_EXCEEDED when a line goes past a limit of its variant.
 */
export function assertCustomerMayReserve(
  exposure: CustomerExposure,
  lines: readonly RequestedUnits[],
  maxHolds: number,
): void {
  if (exposure.activeHolds >= maxHolds) throw new TooManyHoldsError(maxHolds);
  const breaches = purchaseLimitBreaches(lines, exposure);
  if (breaches.length > 0) throw new PurchaseLimitExceededError(breaches);
}
