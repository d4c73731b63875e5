import { APP_ERRORS } from './app.errors';

describe('APP_ERRORS', () => {
  it('holds every code the API answers with, which the OpenAPI document lists', () => {
    expect([...APP_ERRORS.codes].sort()).toEqual(
      [
        'VALIDATION_FAILED',
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'NOT_FOUND',
        'METHOD_NOT_ALLOWED',
        'SKU_TAKEN',
        'CONFLICT',
        'INSUFFICIENT_STOCK',
        'CART_EMPTY',
        'RESERVATION_NOT_ACTIVE',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'HEADERS_TOO_LARGE',
        'REQUEST_TIMEOUT',
        'IDEMPOTENCY_KEY_REUSED',
        'RATE_LIMITED',
        'CLIENT_CLOSED_REQUEST',
        'INTERNAL',
        'SERVICE_UNAVAILABLE',
        'PRECONDITION_FAILED',
        'HOLD_LIMIT_REACHED',
        'PURCHASE_LIMIT_EXCEEDED',
        'TOO_MANY_HOLDS',
        'STOCK_CHANGED',
        'WEBHOOK_URL_REFUSED',
        'WEBHOOK_INACTIVE',
        'DELIVERY_ALREADY_DELIVERED',
      ].sort(),
    );
  });

  it.each([
    ['SKU_TAKEN', 409, 'The SKU is already in use'],
    ['INSUFFICIENT_STOCK', 409, 'Not enough stock'],
    ['RESERVATION_NOT_ACTIVE', 409, 'The reservation is no longer active'],
    ['CART_EMPTY', 409, 'The cart is empty'],
    ['IDEMPOTENCY_KEY_REUSED', 422, 'The idempotency key was used for another request'],
    ['PURCHASE_LIMIT_EXCEEDED', 409, 'More than a purchase limit allows'],
    ['PRECONDITION_FAILED', 412, 'The resource changed since the version the request names'],
    ['WEBHOOK_URL_REFUSED', 422, 'The URL cannot receive webhooks'],
  ])("answers a module's code %s with %p %p", (code, status, title) => {
    expect(APP_ERRORS.definitionOf(code)).toEqual({ status, title });
  });
});
