import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Public } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiIntIdParam, IntIdPipe, Page, pageOf } from '../shared/http';
import { CreateVariantDto, UpdateVariantDto, VariantDto, VariantListQueryDto, VariantPageDto } from './dto/variant.dto';
import { VariantsService } from './variants.service';

@ApiTags('products')
@Controller('products/variants')
export class VariantsController {
  constructor(private readonly variants: VariantsService) {}

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create a variant (a sellable SKU) of a product' })
  @ApiCreatedResponse({ type: VariantDto })
  @ApiProblems(400, 404, 409)
  async createVariant(@Body() body: CreateVariantDto): Promise<VariantDto> {
    return VariantDto.from(await this.variants.create(body));
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List variants, optionally of one product' })
  @ApiOkResponse({ type: VariantPageDto })
  @ApiProblems(400, 404)
  async listVariants(@Query() query: VariantListQueryDto): Promise<Page<VariantDto>> {
    const [items, total] = await this.variants.list(query);
    return pageOf(items, total, query, VariantDto.from);
  }

  @Get(':id')
  @Public()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Get a variant' })
  @ApiOkResponse({ type: VariantDto })
  @ApiProblems(400, 404)
  async getVariant(@Param('id', new IntIdPipe()) id: number): Promise<VariantDto> {
    return VariantDto.from(await this.variants.get(id));
  }

  @Patch(':id')
  @AdminOnly()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Update a variant' })
  @ApiOkResponse({ type: VariantDto })
  @ApiProblems(400, 404, 409)
  async updateVariant(@Param('id', new IntIdPipe()) id: number, @Body() body: UpdateVariantDto): Promise<VariantDto> {
    return VariantDto.from(await this.variants.update(id, body));
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Delete a variant (its stock history stays)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async deleteVariant(@Param('id', new IntIdPipe()) id: number): Promise<void> {
    await this.variants.remove(id);
  }
}
