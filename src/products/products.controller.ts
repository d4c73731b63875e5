import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Public } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiIntIdParam, IntIdPipe, Page, pageOf } from '../shared/http';
import {
  CreateProductDto,
  ProductDetailDto,
  ProductDto,
  ProductListQueryDto,
  ProductPageDto,
  UpdateProductDto,
} from './dto/product.dto';
import { ProductsService } from './products.service';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create a product in a category' })
  @ApiCreatedResponse({ type: ProductDto })
  @ApiProblems(400, 404)
  async createProduct(@Body() body: CreateProductDto): Promise<ProductDto> {
    return ProductDto.from(await this.products.create(body));
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List products, optionally of a category subtree or matching a name' })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiProblems(400, 404)
  async listProducts(@Query() query: ProductListQueryDto): Promise<Page<ProductDto>> {
    const [items, total] = await this.products.list(query);
    return pageOf(items, total, query, ProductDto.from);
  }

  @Get(':id')
  @Public()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Get a product with its variants' })
  @ApiOkResponse({ type: ProductDetailDto })
  @ApiProblems(400, 404)
  async getProduct(@Param('id', new IntIdPipe()) id: number): Promise<ProductDetailDto> {
    const { product, variants } = await this.products.getWithVariants(id);
    return ProductDetailDto.withVariants(product, variants);
  }

  @Patch(':id')
  @AdminOnly()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Update a product' })
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(400, 404)
  async updateProduct(@Param('id', new IntIdPipe()) id: number, @Body() body: UpdateProductDto): Promise<ProductDto> {
    return ProductDto.from(await this.products.update(id, body));
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Delete a product and its variants (their stock history stays)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async deleteProduct(@Param('id', new IntIdPipe()) id: number): Promise<void> {
    await this.products.remove(id);
  }
}
