export * from './money';
export * from './money.decorators';
export * from './money.transformer';
