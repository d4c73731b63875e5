import { ConflictError, DomainError, ErrorCode, NotFoundError } from '../shared/errors';
import { ReservationStatus } from './reservation.entity';

export interface ShortLine {
  variantId: number;
  requested: number;
  available: number;
}

/** Some lines cannot be reserved; `lines` lists every one of them, not just the first. */
export class InsufficientStockError extends DomainError {
  constructor(readonly lines: ShortLine[]) {
    super(
      ErrorCode.INSUFFICIENT_STOCK,
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
    super(ErrorCode.RESERVATION_NOT_ACTIVE, `Reservation ${id} is ${status}, not ACTIVE`, {
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
