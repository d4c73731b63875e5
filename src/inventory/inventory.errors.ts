import { codesOf, ConflictError, DomainError, ErrorDefinitions, NotFoundError } from '../shared/errors';
import { ReservationStatus } from './reservation.entity';

/** Inventory's own error codes, with the status and OpenAPI title of each. */
export const INVENTORY_ERRORS = {
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock' },
  RESERVATION_NOT_ACTIVE: { status: 409, title: 'The reservation is no longer active' },
} as const satisfies ErrorDefinitions;

export const InventoryErrorCode = codesOf(INVENTORY_ERRORS);

export interface ShortLine {
  variantId: number;
  requested: number;
  available: number;
}

/** Some lines cannot be reserved; `lines` lists every one of them, not just the first. */
export class InsufficientStockError extends DomainError {
  constructor(readonly lines: ShortLine[]) {
    super(
      InventoryErrorCode.INSUFFICIENT_STOCK,
      `Not enough stock for ${lines.map((line) => `variant ${line.variantId} (${line.requested} requested, ${line.available} available)`).join(', ')}`,
      { lines },
    );
  }
}

export class ReservationNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('Reservation', id);
  }
}

export class ReservationNotActiveError extends DomainError {
  constructor(id: string, status: ReservationStatus) {
    super(InventoryErrorCode.RESERVATION_NOT_ACTIVE, `Reservation ${id} is ${status}, not ACTIVE`, {
      reservationStatus: status,
    });
  }
}

/** On-hand may not drop below the units that reservations hold. */
export class StockBelowReservedError extends ConflictError {
  constructor(variantId: number, onHand: number, reserved: number) {
    super(
      `Variant ${variantId} would have ${onHand} on hand, below the ${reserved} units reserved; ` +
        'confirm or cancel reservations first',
    );
  }
}

export class StockLimitExceededError extends ConflictError {
  constructor(variantId: number, onHand: number, limit: number) {
    super(`Variant ${variantId} would have ${onHand} on hand, above the limit of ${limit}`);
  }
}
