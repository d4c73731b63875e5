import { CART_ERRORS } from './cart';
import { INVENTORY_ERRORS } from './inventory';
import { OUTBOX_ERRORS } from './outbox';
import { PRODUCTS_ERRORS } from './products';
import { ErrorRegistry } from './shared/errors';
import { IDEMPOTENCY_ERRORS } from './shared/idempotency';

/** Every code the API answers with: the kernel's generic and idempotency ones, then each module's own. */
export const APP_ERRORS = ErrorRegistry.compose(
  IDEMPOTENCY_ERRORS,
  PRODUCTS_ERRORS,
  INVENTORY_ERRORS,
  CART_ERRORS,
  OUTBOX_ERRORS,
);
