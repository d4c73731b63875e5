import { codesOf, DomainError, ErrorDefinitions, NotFoundError } from '../shared/errors';

export const OUTBOX_ERRORS = {
  WEBHOOK_URL_REFUSED: { status: 422, title: 'The URL cannot receive webhooks' },
  WEBHOOK_INACTIVE: { status: 409, title: 'The webhook subscription is not active' },
  DELIVERY_ALREADY_DELIVERED: { status: 409, title: 'The delivery has already been delivered' },
} as const satisfies ErrorDefinitions;

export const OutboxErrorCode = codesOf(OUTBOX_ERRORS);

export class WebhookNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('Webhook subscription', id);
  }
}

export class DeliveryNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('Delivery', id);
  }
}

export class WebhookUrlRefusedError extends DomainError {
  constructor(url: string, reason: string) {
    super(OutboxErrorCode.WEBHOOK_URL_REFUSED, `The URL ${url} ${reason}`, {
      errors: [{ field: 'url', message: `url ${reason}` }],
    });
  }
}

export class WebhookInactiveError extends DomainError {
  constructor(id: string, reason: string | null) {
    super(
      OutboxErrorCode.WEBHOOK_INACTIVE,
      `Webhook subscription ${id} is not active${reason ? ` (${reason})` : ''}; set active to true first`,
    );
  }
}

export class DeliveryAlreadyDeliveredError extends DomainError {
  constructor(id: string) {
    super(OutboxErrorCode.DELIVERY_ALREADY_DELIVERED, `Delivery ${id} was delivered already`);
  }
}
