import { Money } from '../../shared/money';
import { ShortLine } from '../inventory.errors';

export interface ReserveLine {
  variantId: number;
  /** The SKU to record: the reservation keeps it even if the variant is deleted later. */
  sku: string;
  quantity: number;
  unitPrice: Money;
}

/** Per-line limit; far above what a cart allows, far below what could overflow a counter. */
export const MAX_RESERVE_QUANTITY = 1_000_000;

/**
 * The lines of a reservation request, one per variant in ascending variant id order:
 * lines of the same variant are merged (their unit prices must agree). Throws on input
 * a caller should never send; these are programming errors, not customer mistakes.
 */
export function mergeReserveLines(lines: readonly ReserveLine[]): ReserveLine[] {
  if (lines.length === 0) throw new RangeError('A reservation needs at least one line');
  const merged = new Map<number, ReserveLine>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.variantId) || line.variantId < 1) {
      throw new RangeError(`Invalid variant id ${line.variantId}`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_RESERVE_QUANTITY) {
      throw new RangeError(`Invalid quantity ${line.quantity} for variant ${line.variantId}`);
    }
    const existing = merged.get(line.variantId);
    if (!existing) {
      merged.set(line.variantId, { ...line });
      continue;
    }
    if (!existing.unitPrice.equals(line.unitPrice)) {
      throw new RangeError(`Lines of variant ${line.variantId} disagree on the unit price`);
    }
    existing.quantity += line.quantity;
    if (existing.quantity > MAX_RESERVE_QUANTITY) {
      throw new RangeError(`Invalid quantity ${existing.quantity} for variant ${line.variantId}`);
    }
  }
  return [...merged.values()].sort((a, b) => a.variantId - b.variantId);
}

/** The lines that ask for more than `available` gives their variant (0 for one never stocked). */
export function shortLinesOf(
  lines: readonly { variantId: number; quantity: number }[],
  available: (variantId: number) => number | undefined,
): ShortLine[] {
  return lines
    .map((line) => ({ variantId: line.variantId, requested: line.quantity, available: available(line.variantId) ?? 0 }))
    .filter((line) => line.available < line.requested);
}
