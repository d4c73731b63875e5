/** Sent by `POST /api/webhooks/:id/test` to that subscription alone; never published. */
export const WEBHOOK_PING = 'webhook.ping';

/** An event to publish with the change that caused it. */
export interface NewOutboxEvent<T = unknown> {
  /** Declared by the publishing module (see defineEvents). */
  type: string;
  /** Events of one aggregate are delivered in commit order. */
  aggregateType: string;
  aggregateId: string | number;
  payload: T;
}

/** An event as a consumer receives it. */
export interface OutboxEvent<T = unknown> {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: T;
  occurredAt: Date;
}
