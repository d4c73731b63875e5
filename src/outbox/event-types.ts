/**
 * The events the outbox carries: the contract with webhook subscribers and internal
 * consumers. The names are the outbox's; each payload's shape is declared by the module
 * that publishes it (its OpenAPI schema is named beside the type in the document).
 */
export const OUTBOX_EVENT_TYPES = [
  'reservation.created',
  'reservation.extended',
  'reservation.confirmed',
  'reservation.cancelled',
  'reservation.expired',
  'stock.changed',
  'stock.low',
  'stock.out',
  'stock.back_in_stock',
  'price.rules_changed',
  'catalog.variant_changed',
] as const;

export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

/** Sent by `POST /api/webhooks/:id/test` to that subscription alone; never published. */
export const WEBHOOK_PING = 'webhook.ping';

/** The kinds of thing an event is about; events of one aggregate are delivered in commit order. */
export type AggregateType = 'reservation' | 'stock' | 'pricing-rule' | 'variant' | 'webhook';

/** An event to publish with the change that caused it. */
export interface NewOutboxEvent<T = unknown> {
  type: OutboxEventType;
  aggregateType: AggregateType;
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
