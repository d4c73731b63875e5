export * from './idempotency.errors';
export * from './idempotency.module';
export { IdempotencyService, IdempotentCall } from './idempotency.service';
export type { IdempotentResult } from './idempotency.service';
export * from './idempotent-reply';
