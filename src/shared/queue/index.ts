import './bull-background-promises';
export * from './queue-errors';
export * from './periodic-job';
export * from './redis-connection';
