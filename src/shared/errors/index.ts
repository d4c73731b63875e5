export * from './api-problems.decorator';
export * from './domain-error';
export * from './error-codes';
export * from './error-registry';
export * from './errors.module';
export * from './problem';
export * from './problem-details.filter';
export * from './problem.mapper';
