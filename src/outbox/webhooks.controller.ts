import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiUuidParam, NoBody, Page, PageQueryDto, pageOf, UuidPipe } from '../shared/http';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryDto,
  DeliveryListQueryDto,
  DeliveryPageDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookPageDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const ApiDeliveryIdParam = () => ApiParam({ name: 'deliveryId', schema: { type: 'string', format: 'uuid' } });

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @AdminOnly()
  @ApiOperation({
    summary: 'Subscribe a URL to events; the answer carries the signing secret, shown this once',
    description:
      'Deliveries follow the Standard Webhooks specification and are retried with backoff for about a day. ' +
      '422 WEBHOOK_URL_REFUSED for a URL that is not http(s) or points at a loopback, private or link-local address.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiProblems(400, 422)
  async createWebhook(@Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return CreatedWebhookDto.withSecret(await this.webhooks.create(body));
  }

  @Get()
  @AdminOnly()
  @ApiOperation({ summary: 'List webhook subscriptions, oldest first' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiProblems(400)
  async listWebhooks(@Query() query: PageQueryDto): Promise<Page<WebhookDto>> {
    const [items, total] = await this.webhooks.list(query.limit, query.offset);
    return pageOf(items, total, query, WebhookDto.from);
  }

  @Get(':id')
  @AdminOnly()
  @ApiUuidParam()
  @ApiOperation({ summary: 'A webhook subscription (without its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(400, 404)
  async getWebhook(@Param('id', new UuidPipe()) id: string): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.get(id));
  }

  @Patch(':id')
  @AdminOnly()
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Change the URL, events, description or active flag of a subscription',
    description:
      'Setting active to true turns a subscription the relay disabled back on; its pending deliveries resume.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(400, 404, 422)
  async updateWebhook(@Param('id', new UuidPipe()) id: string, @Body() body: UpdateWebhookDto): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.update(id, body));
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Delete a subscription and its deliveries' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async deleteWebhook(@Param('id', new UuidPipe()) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @AdminOnly()
  @ApiUuidParam()
  @ApiOperation({ summary: "The subscription's deliveries, newest first: status, attempts, last answer, next attempt" })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiProblems(400, 404)
  async listWebhookDeliveries(
    @Param('id', new UuidPipe()) id: string,
    @Query() query: DeliveryListQueryDto,
  ): Promise<Page<DeliveryDto>> {
    const [items, total] = await this.webhooks.deliveries(id, query);
    return pageOf(items, total, query, DeliveryDto.from);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @AdminOnly()
  @ApiUuidParam()
  @ApiDeliveryIdParam()
  @ApiOperation({
    summary: 'Send a failed or pending delivery again now',
    description:
      'The delivery becomes PENDING and due at once; a failed one gets one more attempt. ' +
      '409 DELIVERY_ALREADY_DELIVERED for a delivered one, 409 WEBHOOK_INACTIVE while the subscription is off.',
  })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiProblems(400, 404, 409)
  async retryWebhookDelivery(
    @Param('id', new UuidPipe()) id: string,
    @Param('deliveryId', new UuidPipe('deliveryId')) deliveryId: string,
    @NoBody() _body: undefined,
  ): Promise<DeliveryDto> {
    return DeliveryDto.from(await this.webhooks.retry(id, deliveryId));
  }

  @Post(':id/test')
  @HttpCode(200)
  @AdminOnly()
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Send a signed webhook.ping to the subscription now and answer how it went',
    description: 'Tried once, also while the subscription is inactive; the delivery is listed with the others.',
  })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblems(400, 404, 422)
  async testWebhook(@Param('id', new UuidPipe()) id: string, @NoBody() _body: undefined): Promise<DeliveryDto> {
    return DeliveryDto.from(await this.webhooks.test(id));
  }
}
