import { InventoryErrorCode } from '../inventory';
import {
  codesOf,
  ConflictError,
  DomainError,
  ErrorDefinitions,
  NotFoundError,
  ValidationFailedError,
} from '../shared/errors';
import { MAX_CART_LINES } from './cart.entity';
import { MAX_LINE_QUANTITY } from './cart-item.entity';

/** The cart's own error codes, with the status and OpenAPI title of each. */
export const CART_ERRORS = {
  CART_EMPTY: { status: 409, title: 'The cart is empty' },
} as const satisfies ErrorDefinitions;

export const CartErrorCode = codesOf(CART_ERRORS);

export class CartEmptyError extends DomainError {
  constructor() {
    super(CartErrorCode.CART_EMPTY, 'The cart is empty: add items before checking out');
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

export interface UnsellableLine {
  variantId: number;
  requested: number;
  available: number;
}

/**
 * Checkout found lines whose variant was deleted after they were added (nothing of them
 * can be sold: `available` 0) and possibly lines short of stock. It answers as for a
 * shortfall, listing every such line at once, so the customer fixes the cart in one go.
 */
export class CartLinesNotForSaleError extends DomainError {
  constructor(discontinued: UnsellableLine[], short: UnsellableLine[]) {
    const describe = (line: UnsellableLine) =>
      `variant ${line.variantId} (${line.requested} requested, ${line.available} available)`;
    const parts = [`no longer sold: ${discontinued.map(describe).join(', ')}`];
    if (short.length > 0) parts.push(`not enough stock: ${short.map(describe).join(', ')}`);
    super(InventoryErrorCode.INSUFFICIENT_STOCK, `Some lines cannot be sold, ${parts.join('; ')}`, {
      lines: [...discontinued, ...short].sort((a, b) => a.variantId - b.variantId),
    });
  }
}
