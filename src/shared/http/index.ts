export * from './id.pipe';
export * from './optional';
export * from './pagination';
export * from './validation.pipe';
