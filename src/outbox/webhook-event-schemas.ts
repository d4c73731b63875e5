import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { EventCatalog } from './event-catalog';
import { WEBHOOK_PING } from './event-types';

/** The schema of the event types a subscription may name: the catalog's, known only once composed. */
export const WEBHOOK_EVENT_TYPE_SCHEMA = 'WebhookEventType';

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
 * Completes the document with what only the composed catalog knows. `WebhookEventType`
 * lists the catalog's types, and a list of them (a subscription's `events`) can hold each
 * once. The webhook request bodies go to the document's components: one envelope per event
 * type (`{ type, timestamp, data }`, Standard Webhooks' form, `data` the module's payload
 * schema) and `WebhookEvent`, the union of them discriminated by `type`. Integration teams
 * generate their receivers' types from these. The payload classes must be among the
 * document's extra models (see webhookPayloadClasses).
 */
export function documentWebhookEvents(document: OpenAPIObject, catalog: EventCatalog): OpenAPIObject {
  const schemas = ((document.components ??= {}).schemas ??= {});
  documentEventTypes(schemas, catalog.types);
  const payloadOf: [string, Type<unknown>][] = [
    ...catalog.types.map((type): [string, Type<unknown>] => [type, catalog.definitionOf(type)!.payload]),
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

type Schemas = NonNullable<OpenAPIObject['components']>['schemas'] & object;

function documentEventTypes(schemas: Schemas, types: string[]): void {
  const ref = `#/components/schemas/${WEBHOOK_EVENT_TYPE_SCHEMA}`;
  schemas[WEBHOOK_EVENT_TYPE_SCHEMA] = { type: 'string', enum: types };
  for (const schema of Object.values(schemas)) {
    for (const property of Object.values('properties' in schema ? (schema.properties ?? {}) : {})) {
      const items = 'items' in property ? property.items : undefined;
      // A list a client sends (it has a minimum) holds each type at most once.
      if (items && '$ref' in items && items.$ref === ref && 'minItems' in property) property.maxItems = types.length;
    }
  }
}

/** The classes to give SwaggerModule.createDocument as extra models. */
export function webhookPayloadClasses(catalog: EventCatalog): Type<unknown>[] {
  const payloads = catalog.types.map((type) => catalog.definitionOf(type)!.payload);
  return [...new Set([...payloads, WebhookPingPayload])];
}
