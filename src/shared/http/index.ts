export * from './id.pipe';
export * from './field-decorators';
export * from './pagination';
export * from './validation.pipe';
export * from './idempotency-key';
export * from './no-body';
export * from './client-gone';
