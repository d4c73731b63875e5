/** The queue of the idempotency keys' purge, shared by every module whose writes take an Idempotency-Key. */
export const IDEMPOTENCY_QUEUE = 'idempotency';
export const PURGE_JOB = 'purge-expired-keys';
