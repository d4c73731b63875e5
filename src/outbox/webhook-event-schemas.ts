import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OUTBOX_EVENT_TYPES, OutboxEventType, WEBHOOK_PING } from './event-types';

/** The payload class of every event type, as the publishing modules declare them. */
export type WebhookPayloadModels = Record<OutboxEventType, Type<unknown>>;

export class WebhookPingPayload {
  @ApiProperty({ format: 'uuid' })
  webhookId!: string;

  @ApiProperty({ example: 'A test event sent from the commerce API' })
  message!: string;
}

/** `reservation.created` → `ReservationCreatedWebhookEvent`. */
function envelopeName(type: string): string {
  const words = type.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join('')}WebhookEvent`;
}

/**
 * Adds the webhook request bodies to the document's components: one envelope per event
 * type (`{ type, timestamp, data }`, Standard Webhooks' form, `data` the module's payload
 * schema) and `WebhookEvent`, the union of them discriminated by `type`. Integration teams
 * generate their receivers' types from these. The payload classes must be among the
 * document's extra models (see webhookPayloadClasses).
 */
export function documentWebhookEvents(document: OpenAPIObject, models: WebhookPayloadModels): OpenAPIObject {
  const schemas = ((document.components ??= {}).schemas ??= {});
  const payloadOf: [string, Type<unknown>][] = [
    ...OUTBOX_EVENT_TYPES.map((type): [string, Type<unknown>] => [type, models[type]]),
    [WEBHOOK_PING, WebhookPingPayload],
  ];
  const mapping: Record<string, string> = {};
  for (const [type, model] of payloadOf) {
    const name = envelopeName(type);
    mapping[type] = `#/components/schemas/${name}`;
    schemas[name] = {
      type: 'object',
      description: `The body of a \`${type}\` webhook request; its webhook-id header is the event id.`,
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { type: 'string', enum: [type] },
        timestamp: { type: 'string', format: 'date-time', description: 'When the change committed' },
        data: { $ref: `#/components/schemas/${model.name}` },
      },
    };
  }
  schemas.WebhookEvent = {
    description: 'Any webhook request body, told apart by `type`.',
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'type', mapping },
  };
  return document;
}

/** The classes to give SwaggerModule.createDocument as extra models. */
export function webhookPayloadClasses(models: WebhookPayloadModels): Type<unknown>[] {
  return [...new Set([...Object.values(models), WebhookPingPayload])];
}
