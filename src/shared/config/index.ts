export * from './env';
export * from './env-file';
