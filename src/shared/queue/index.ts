export * from './queue-errors';
export * from './periodic-job';
