import { RESERVATIONS_QUEUE } from '../inventory';
import { OUTBOX_QUEUE } from '../outbox';
import { IDEMPOTENCY_QUEUE } from '../shared/idempotency';

export interface OpsQueue {
  name: string;
  /** The board shows it but offers no retry, promote or clean: its jobs are driven by the database. */
  readOnly: boolean;
}

/**
 * The Bull queues of the modules, as the queue board and the metrics show them. The
 * expiry queue is read-only: the reservations decide when stock comes back, and the
 * sweep catches up on anything its jobs miss.
 */
export const OPS_QUEUES: readonly OpsQueue[] = [
  { name: RESERVATIONS_QUEUE, readOnly: true },
  { name: OUTBOX_QUEUE, readOnly: false },
  { name: IDEMPOTENCY_QUEUE, readOnly: false },
];
