import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiIntIdParam, IntIdPipe, Page, pageOf } from '../shared/http';
import {
  CreatePricingRuleDto,
  PricingRuleDto,
  PricingRuleListQueryDto,
  PricingRulePageDto,
  UpdatePricingRuleDto,
} from './dto/pricing-rule.dto';
import { PricingRulesService } from './pricing-rules.service';

@ApiTags('pricing')
@Controller('pricing/rules')
export class PricingRulesController {
  constructor(private readonly rules: PricingRulesService) {}

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create a pricing rule; quotes on this instance use it at once' })
  @ApiCreatedResponse({ type: PricingRuleDto })
  @ApiProblems(400, 404)
  async createPricingRule(@Body() body: CreatePricingRuleDto): Promise<PricingRuleDto> {
    return PricingRuleDto.from(await this.rules.create(body));
  }

  @Get()
  @AdminOnly()
  @ApiOperation({ summary: 'List pricing rules, oldest first' })
  @ApiOkResponse({ type: PricingRulePageDto })
  @ApiProblems(400)
  async listPricingRules(@Query() query: PricingRuleListQueryDto): Promise<Page<PricingRuleDto>> {
    const [items, total] = await this.rules.list(query);
    return pageOf(items, total, query, PricingRuleDto.from);
  }

  @Get(':id')
  @AdminOnly()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Get a pricing rule' })
  @ApiOkResponse({ type: PricingRuleDto })
  @ApiProblems(400, 404)
  async getPricingRule(@Param('id', new IntIdPipe()) id: number): Promise<PricingRuleDto> {
    return PricingRuleDto.from(await this.rules.get(id));
  }

  @Patch(':id')
  @AdminOnly()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Change a pricing rule; scope, condition and effect are replaced whole' })
  @ApiOkResponse({ type: PricingRuleDto })
  @ApiProblems(400, 404)
  async updatePricingRule(
    @Param('id', new IntIdPipe()) id: number,
    @Body() body: UpdatePricingRuleDto,
  ): Promise<PricingRuleDto> {
    return PricingRuleDto.from(await this.rules.update(id, body));
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Delete a pricing rule' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async deletePricingRule(@Param('id', new IntIdPipe()) id: number): Promise<void> {
    await this.rules.remove(id);
  }
}
