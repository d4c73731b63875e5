import { Body, Controller, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly, CurrentPrincipal, Principal, Public } from '../../shared/auth';
import { ApiProblems } from '../../shared/errors';
import {
  ApiIdempotencyKey,
  ApiIfMatch,
  ApiIfNoneMatch,
  ApiIntIdParam,
  EntityTagCondition,
  IdempotencyKey,
  IfMatch,
  IfNoneMatch,
  IntIdPipe,
  Page,
  PageQueryDto,
  pageOf,
} from '../../shared/http';
import { REPLAYED_HEADER_DOC, replyWith } from '../../shared/idempotency';
import {
  CreateAdjustmentDto,
  ListStockQueryDto,
  SetStockDto,
  SetStockLimitsDto,
  StockAuditDto,
  StockHoldDto,
  StockHoldPageDto,
  StockLevelDto,
  StockLevelPageDto,
  StockMovementDto,
  StockMovementPageDto,
  StockStateChangeDto,
  StockStateChangePageDto,
} from './dto/stock.dto';
import { stockEntityTag, StockService } from './stock.service';

const ETAG_HEADER_DOC = {
  ETag: {
    description: 'The stock version, for If-Match on the next write',
    schema: { type: 'string', example: '"7"' },
  },
};
const STOCK_WRITE_HEADERS_DOC = { ...ETAG_HEADER_DOC, ...REPLAYED_HEADER_DOC };
const STOCK_KEYS_SCOPE = 'shared by all staff';

@ApiTags('inventory')
@Controller('inventory')
export class InventoryController {
  constructor(private readonly stock: StockService) {}

  @Get()
  @AdminOnly()
  @ApiOperation({
    summary: 'Stocked variants in a state, fewest available first: the low and out-of-stock ones to restock',
    description: 'Variants the catalog no longer sells are left out, and so are variants never stocked.',
  })
  @ApiOkResponse({ type: StockLevelPageDto })
  @ApiProblems(400)
  async listStockByState(@Query() query: ListStockQueryDto): Promise<Page<StockLevelDto>> {
    const [items, total] = await this.stock.listByState(query.state, query.limit, query.offset);
    return pageOf(items, total, query, StockLevelDto.from);
  }

  @Get('audit')
  @AdminOnly()
  @ApiOperation({
    summary: 'Variants whose counters disagree with the ledger or with active reservations (empty when healthy)',
  })
  @ApiOkResponse({ type: StockAuditDto })
  async auditStock(): Promise<StockAuditDto> {
    return StockAuditDto.from(await this.stock.audit());
  }

  @Get(':variantId')
  @Public()
  @ApiIntIdParam('variantId')
  @ApiOperation({
    summary: 'Stock of a variant: on hand, reserved, available, state and limits (zeros if never stocked)',
    description: 'The ETag header is the stock version; send it as If-Match to write only if nothing moved since.',
  })
  @ApiOkResponse({ type: StockLevelDto, headers: ETAG_HEADER_DOC })
  @ApiIfNoneMatch()
  @ApiProblems(400, 404)
  async getStock(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @IfNoneMatch() ifNoneMatch: EntityTagCondition | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockLevelDto | undefined> {
    const level = withEntityTag(reply, StockLevelDto.from(await this.stock.getForVariant(variantId)));
    // A storefront polling a badge pays nothing for an answer it already holds.
    if (ifNoneMatch?.matchesWeakly(stockEntityTag(level.version))) {
      void reply.status(304);
      return undefined;
    }
    return level;
  }

  @Put(':variantId')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiIfMatch()
  @ApiIdempotencyKey({ scope: STOCK_KEYS_SCOPE })
  @ApiOperation({
    summary: 'Set the counted units on hand; the difference is recorded as a COUNT movement',
    description:
      '409 CONFLICT if the count is below the units reserved; 409 STOCK_CHANGED if expectedOnHand is not the ' +
      'figure on hand; 412 if If-Match is stale. Setting the current count writes nothing.',
  })
  @ApiOkResponse({ type: StockLevelDto, headers: STOCK_WRITE_HEADERS_DOC })
  @ApiProblems(400, 404, 409)
  async setStock(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Body() body: SetStockDto,
    @CurrentPrincipal() principal: Principal,
    @IfMatch() ifMatch: EntityTagCondition | undefined,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockLevelDto> {
    const result = await this.stock.setOnHand(variantId, body, {
      actor: principal.customerId,
      ifMatch,
      idempotencyKey,
    });
    return withEntityTag(reply, replyWith(reply, result));
  }

  @Post(':variantId/adjustments')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiIfMatch()
  @ApiIdempotencyKey({ required: true, scope: STOCK_KEYS_SCOPE })
  @ApiOperation({
    summary: 'Add or remove units with a reason',
    description:
      'An Idempotency-Key is required: a delta applied twice is two movements, and syncs retry. ' +
      '409 CONFLICT if on hand would drop below the units reserved; 409 STOCK_CHANGED if expectedOnHand is not ' +
      'the figure on hand; 412 if If-Match is stale.',
  })
  @ApiCreatedResponse({ type: StockMovementDto, headers: STOCK_WRITE_HEADERS_DOC })
  @ApiProblems(400, 404, 409)
  async adjustStock(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Body() body: CreateAdjustmentDto,
    @CurrentPrincipal() principal: Principal,
    @IfMatch() ifMatch: EntityTagCondition | undefined,
    @IdempotencyKey({ required: true }) idempotencyKey: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockMovementDto> {
    const result = await this.stock.adjust(variantId, body, { actor: principal.customerId, ifMatch, idempotencyKey });
    return replyWith(reply, result);
  }

  @Put(':variantId/limits')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({
    summary: "Set the variant's purchase limits and low-stock threshold",
    description:
      'Absent fields keep their value; null removes a limit (or restores the LOW_STOCK_THRESHOLD default). ' +
      'maxPerOrder caps a cart line; maxPerCustomer caps what one customer holds or bought within windowSeconds.',
  })
  @ApiOkResponse({ type: StockLevelDto, headers: ETAG_HEADER_DOC })
  @ApiProblems(400, 404)
  async setStockLimits(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Body() body: SetStockLimitsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockLevelDto> {
    return withEntityTag(reply, StockLevelDto.from(await this.stock.setLimits(variantId, body)));
  }

  @Get(':variantId/holds')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({ summary: 'The ACTIVE reservations holding the variant, oldest first: why it is not available' })
  @ApiOkResponse({ type: StockHoldPageDto })
  @ApiProblems(400, 404)
  async listReservationHolds(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Query() query: PageQueryDto,
  ): Promise<Page<StockHoldDto>> {
    const [items, total] = await this.stock.holds(variantId, query.limit, query.offset);
    return pageOf(items, total, query, StockHoldDto.from);
  }

  @Get(':variantId/state-changes')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({
    summary: "The variant's changes of stock state, newest first: when it ran low, sold out and came back",
  })
  @ApiOkResponse({ type: StockStateChangePageDto })
  @ApiProblems(400, 404)
  async listStockStateChanges(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Query() query: PageQueryDto,
  ): Promise<Page<StockStateChangeDto>> {
    const [items, total] = await this.stock.stateChanges(variantId, query.limit, query.offset);
    return pageOf(items, total, query, StockStateChangeDto.from);
  }

  @Get(':variantId/movements')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({ summary: "The variant's stock ledger, newest first (kept after the variant is deleted)" })
  @ApiOkResponse({ type: StockMovementPageDto })
  @ApiProblems(400, 404)
  async listStockMovements(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Query() query: PageQueryDto,
  ): Promise<Page<StockMovementDto>> {
    const [items, total] = await this.stock.movements(variantId, query.limit, query.offset);
    return pageOf(items, total, query, StockMovementDto.from);
  }
}

/** Sets the ETag of a stock answer from its version. */
function withEntityTag(reply: FastifyReply, level: StockLevelDto): StockLevelDto {
  void reply.header('ETag', stockEntityTag(level.version));
  return level;
}
