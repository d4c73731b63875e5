import { codesOf, ConflictError, DomainError, ErrorCode, ErrorDefinitions, NotFoundError } from '../shared/errors';
import { ReservationStatus } from './reservations/reservation.entity';

/** Inventory's own error codes, with the status and OpenAPI title of each. */
export const INVENTORY_ERRORS = {
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock' },
  RESERVATION_NOT_ACTIVE: { status: 409, title: 'The reservation is no longer active' },
  HOLD_LIMIT_REACHED: { status: 409, title: 'The reservation cannot be held any longer' },
  PURCHASE_LIMIT_EXCEEDED: { status: 409, title: 'More than a purchase limit allows' },
  TOO_MANY_HOLDS: { status: 409, title: 'The customer holds too many reservations' },
  STOCK_CHANGED: { status: 409, title: 'The stock is not at the expected figure' },
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

export class HoldLimitReachedError extends DomainError {
  constructor(id: string, maxExpiresAt: Date) {
    super(
      InventoryErrorCode.HOLD_LIMIT_REACHED,
      `Reservation ${id} is held until ${maxExpiresAt.toISOString()}, the longest a hold may last`,
      { maxExpiresAt: maxExpiresAt.toISOString() },
    );
  }
}

/** Which cap a line goes past: the units of one order, or of one customer over the window. */
export type PurchaseLimitKind = 'PER_ORDER' | 'PER_CUSTOMER';

export interface LimitedLine {
  variantId: number;
  limitKind: PurchaseLimitKind;
  limit: number;
  /** Units the order (cart line) asks for. */
  requested: number;
  /** Units the customer already holds or bought within the window (0 for a per-order cap). */
  alreadyHeld: number;
}

/** Some lines ask for more than a purchase limit allows; `lines` lists every one of them. */
export class PurchaseLimitExceededError extends DomainError {
  constructor(readonly lines: LimitedLine[]) {
    super(
      InventoryErrorCode.PURCHASE_LIMIT_EXCEEDED,
      `Purchase limit exceeded for ${lines
        .map((line) =>
          line.limitKind === 'PER_ORDER'
            ? `variant ${line.variantId} (${line.requested} requested, at most ${line.limit} per order)`
            : `variant ${line.variantId} (${line.requested} requested, ${line.alreadyHeld} already held or bought, ` +
              `at most ${line.limit} per customer)`,
        )
        .join(', ')}`,
      { lines },
    );
  }
}

export class TooManyHoldsError extends DomainError {
  constructor(limit: number) {
    super(
      InventoryErrorCode.TOO_MANY_HOLDS,
      `A customer may hold at most ${limit} active reservations; confirm, cancel or let one expire first`,
      { limit },
    );
  }
}

/** The stock figures a failed compare-and-set answers with, so the client can decide again. */
export interface CurrentStock {
  onHand: number;
  reserved: number;
  available: number;
  version: number;
}

export class StockChangedError extends DomainError {
  constructor(variantId: number, expectedOnHand: number, current: CurrentStock) {
    super(
      InventoryErrorCode.STOCK_CHANGED,
      `Variant ${variantId} has ${current.onHand} on hand, not the ${expectedOnHand} expected; nothing was written`,
      { current },
    );
  }
}

export class StockVersionMismatchError extends DomainError {
  constructor(variantId: number, current: CurrentStock) {
    super(
      ErrorCode.PRECONDITION_FAILED,
      `The stock of variant ${variantId} is at version ${current.version}, not the one If-Match names; nothing was written`,
      { current },
    );
  }
}
