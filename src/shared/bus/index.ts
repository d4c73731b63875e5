export * from './invalidation-bus';
export * from './invalidation-bus.module';
