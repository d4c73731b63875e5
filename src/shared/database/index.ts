export * from './after-commit';
export * from './database-admin';
export * from './database.options';
export * from './postgres-errors';
export * from './soft-deletable.columns';
export * from './uuid';
export * from './wait-for-database';
export * from './like-pattern';
