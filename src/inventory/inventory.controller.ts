import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentPrincipal, Principal, Public } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiIntIdParam, IntIdPipe, Page, PageQueryDto, pageOf } from '../shared/http';
import {
  CreateAdjustmentDto,
  SetStockDto,
  StockAuditDto,
  StockLevelDto,
  StockMovementDto,
  StockMovementPageDto,
} from './dto/stock.dto';
import { StockService } from './stock.service';

@ApiTags('inventory')
@Controller('inventory')
export class InventoryController {
  constructor(private readonly stock: StockService) {}

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
  @ApiOperation({ summary: 'Stock of a variant: on hand, reserved and available (zeros if never stocked)' })
  @ApiOkResponse({ type: StockLevelDto })
  @ApiProblems(400, 404)
  async getStock(@Param('variantId', new IntIdPipe('variantId')) variantId: number): Promise<StockLevelDto> {
    return StockLevelDto.from(await this.stock.getForVariant(variantId));
  }

  @Put(':variantId')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({
    summary: 'Set the counted units on hand; the difference is recorded as a COUNT movement',
    description: '409 CONFLICT if the count is below the units reserved. Setting the current count writes nothing.',
  })
  @ApiOkResponse({ type: StockLevelDto })
  @ApiProblems(400, 404, 409)
  async setStock(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Body() body: SetStockDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StockLevelDto> {
    return StockLevelDto.from(await this.stock.setOnHand(variantId, body.onHand, principal.customerId));
  }

  @Post(':variantId/adjustments')
  @AdminOnly()
  @ApiIntIdParam('variantId')
  @ApiOperation({
    summary: 'Add or remove units with a reason',
    description: '409 CONFLICT if on hand would drop below the units reserved.',
  })
  @ApiCreatedResponse({ type: StockMovementDto })
  @ApiProblems(400, 404, 409)
  async adjustStock(
    @Param('variantId', new IntIdPipe('variantId')) variantId: number,
    @Body() body: CreateAdjustmentDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StockMovementDto> {
    return StockMovementDto.from(await this.stock.adjust(variantId, body, principal.customerId));
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
