export * from './idempotency.errors';
export * from './idempotency.module';
export { IdempotencyJobsModule } from './idempotency-purge.processor';
export { IDEMPOTENCY_QUEUE } from './idempotency-purge.queue';
export { IdempotencyService, IdempotentCall } from './idempotency.service';
export type { IdempotentResult } from './idempotency.service';
export * from './idempotent-reply';
