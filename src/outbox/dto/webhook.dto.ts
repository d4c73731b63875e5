import { ApiProperty, ApiPropertyOptional, getSchemaPath, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  ApiPropertyOptionalAnew,
  IsOmittable,
  OMITTABLE,
  PageDto,
  PageQueryDto,
  trim,
  trimToNull,
} from '../../shared/http';
import { DELIVERY_STATUSES, DeliveryStatus, EventDelivery } from '../event-delivery.entity';
import { WEBHOOK_PING } from '../event-types';
import { WEBHOOK_EVENT_TYPE_SCHEMA } from '../webhook-event-schemas';
import { WebhookSubscription } from '../webhook-subscription.entity';

const MAX_URL_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 200;

const URL_DOC = {
  example: 'https://erp.example.com/hooks/commerce',
  maxLength: MAX_URL_LENGTH,
  description:
    'http(s) only, without credentials. Loopback, private and link-local addresses are refused unless ' +
    'WEBHOOKS_ALLOW_PRIVATE=true.',
} as const;
// The event types are the application's catalog, composed after this class is declared:
// WebhooksService checks each against it, and the document lists them (documentWebhookEvents).
const EVENT_TYPES_DOC = { type: 'array', items: { $ref: getSchemaPath(WEBHOOK_EVENT_TYPE_SCHEMA) } } as const;
const EVENTS_DOC = {
  ...EVENT_TYPES_DOC,
  minItems: 1,
  example: ['reservation.created', 'stock.back_in_stock'],
} as const;

export class CreateWebhookDto {
  @ApiProperty(URL_DOC)
  @Transform(trim)
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url!: string;

  @ApiProperty(EVENTS_DOC)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsString({ each: true })
  events!: string[];

  @ApiPropertyOptional({ default: true })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_DESCRIPTION_LENGTH, example: 'ERP sync' })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;
}

/** Every field may be left out; one sent is validated as on create. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto, OMITTABLE) {
  @ApiPropertyOptionalAnew({ ...EVENTS_DOC, description: 'Replaces the list' })
  override events?: string[];

  // Without create's default: left out, active stays as it is.
  @ApiPropertyOptionalAnew({ description: 'true also clears the reason a failing subscription was disabled' })
  override active?: boolean;

  @ApiPropertyOptionalAnew({ type: 'string', nullable: true, maxLength: MAX_DESCRIPTION_LENGTH })
  override description?: string | null;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'https://erp.example.com/hooks/commerce' })
  url!: string;

  @ApiProperty(EVENT_TYPES_DOC)
  events!: string[];

  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;

  @ApiProperty({ description: 'Only active subscriptions get events; events meanwhile are not kept for it' })
  active!: boolean;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Why the relay disabled it: its deliveries kept failing for about a day',
  })
  disabledReason!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  disabledAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(subscription: WebhookSubscription): WebhookDto {
    return {
      id: subscription.id,
      url: subscription.url,
      events: subscription.events,
      description: subscription.description,
      active: subscription.active,
      disabledReason: subscription.disabledReason,
      disabledAt: subscription.disabledAt?.toISOString() ?? null,
      createdAt: subscription.createdAt.toISOString(),
      updatedAt: subscription.updatedAt.toISOString(),
    };
  }
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret, in the Standard Webhooks form. Shown this once: store it now.',
  })
  secret!: string;

  static withSecret(subscription: WebhookSubscription): CreatedWebhookDto {
    return { ...WebhookDto.from(subscription), secret: subscription.secret };
  }
}

export const WebhookPageDto = PageDto(WebhookDto, 'WebhookPage');

export class DeliveryListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

/** A delivery with the event it carries. */
export interface DeliveryView extends EventDelivery {
  eventId: string;
  eventType: string;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'The event, also sent as webhook-id' })
  eventId!: string;

  @ApiProperty({ example: 'reservation.created', description: `One of WebhookEventType, or ${WEBHOOK_PING}` })
  eventType!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  status!: DeliveryStatus;

  @ApiProperty({ example: 1, description: 'Attempts made so far' })
  attempts!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The HTTP status of the last answer' })
  lastStatusCode!: number | null;

  @ApiProperty({ type: 'string', nullable: true })
  lastError!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When it is sent next (while PENDING)',
  })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  lastAttemptAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(delivery: DeliveryView): DeliveryDto {
    return {
      id: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      status: delivery.status,
      attempts: delivery.attempts,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      nextAttemptAt: delivery.status === 'PENDING' ? (delivery.nextAttemptAt?.toISOString() ?? null) : null,
      lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
      deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
      createdAt: delivery.createdAt.toISOString(),
    };
  }
}

export const DeliveryPageDto = PageDto(DeliveryDto, 'DeliveryPage');
