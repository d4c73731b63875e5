import { ConflictError, DomainError, ErrorCode, NotFoundError, ValidationFailedError } from '../shared/errors';
import { MAX_CART_LINES } from './cart.entity';
import { MAX_LINE_QUANTITY } from './cart-item.entity';

export class CartEmptyError extends DomainError {
  constructor() {
    super(ErrorCode.CART_EMPTY, 'The cart is empty: add items before checking out');
  }
}

/** Also what another customer's item, or a line of a checked-out cart, looks like. */
export class CartItemNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('Cart item', id);
  }
}

/** Another request changed or checked out the cart between our read and our write. */
export class CartChangedError extends ConflictError {
  constructor() {
    super(
      'The cart changed while this request was running (another request edited or checked it out); reload it and retry',
    );
  }
}

export class CartFullError extends ConflictError {
  constructor() {
    super(`A cart holds at most ${MAX_CART_LINES} lines`);
  }
}

export class LineQuantityTooLargeError extends ValidationFailedError {
  constructor(quantity: number) {
    const message = `The line would hold ${quantity} units; a line holds at most ${MAX_LINE_QUANTITY}`;
    super(message, [{ field: 'quantity', message }]);
  }
}

/**
 * Lines whose variant was deleted after they were added: nothing of them can be sold, so
 * checkout answers as for a shortfall, with `available` 0, and the customer removes them.
 */
export class VariantsNotForSaleError extends DomainError {
  constructor(lines: { variantId: number; requested: number }[]) {
    super(
      ErrorCode.INSUFFICIENT_STOCK,
      `No longer sold: ${lines.map((line) => `variant ${line.variantId}`).join(', ')}; remove these lines from the cart`,
      { lines: lines.map((line) => ({ ...line, available: 0 })) },
    );
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
    );
  }
}
