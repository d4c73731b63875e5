export * from './replica-reads';
export * from './replica-reads.module';
export * from './replica-freshness';
export * from './wal-position';
