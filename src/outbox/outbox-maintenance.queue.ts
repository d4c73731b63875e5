/** The outbox's queue: periodic work only; the relay is woken by commits, not by jobs. */
export const OUTBOX_QUEUE = 'outbox';
export const PURGE_JOB = 'purge-settled-events';
export const RELAY_JOB = 'relay-outbox';
