import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Public } from '../shared/auth';
import { ApiProblems } from '../shared/errors';
import { ApiIntIdParam, IntIdPipe, Page, pageOf, PageQueryDto } from '../shared/http';
import { CategoriesService } from './categories.service';
import { CategoryDto, CategoryPageDto, CreateCategoryDto, UpdateCategoryDto } from './dto/category.dto';

@ApiTags('products')
@Controller('products/categories')
export class CategoriesController {
  constructor(private readonly categories: CategoriesService) {}

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create a category, at the root or under a parent' })
  @ApiCreatedResponse({ type: CategoryDto })
  @ApiProblems(400, 404, 409)
  async createCategory(@Body() body: CreateCategoryDto): Promise<CategoryDto> {
    return CategoryDto.from(await this.categories.create(body));
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List categories (parentId gives the tree)' })
  @ApiOkResponse({ type: CategoryPageDto })
  @ApiProblems(400)
  async listCategories(@Query() query: PageQueryDto): Promise<Page<CategoryDto>> {
    const [items, total] = await this.categories.list(query);
    return pageOf(items, total, query, CategoryDto.from);
  }

  @Get(':id')
  @Public()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Get a category' })
  @ApiOkResponse({ type: CategoryDto })
  @ApiProblems(400, 404)
  async getCategory(@Param('id', new IntIdPipe()) id: number): Promise<CategoryDto> {
    return CategoryDto.from(await this.categories.get(id));
  }

  @Patch(':id')
  @AdminOnly()
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Rename, describe or move a category (never under itself)' })
  @ApiOkResponse({ type: CategoryDto })
  @ApiProblems(400, 404, 409)
  async updateCategory(
    @Param('id', new IntIdPipe()) id: number,
    @Body() body: UpdateCategoryDto,
  ): Promise<CategoryDto> {
    return CategoryDto.from(await this.categories.update(id, body));
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiIntIdParam()
  @ApiOperation({ summary: 'Delete a category that has no sub-categories and no products' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 409)
  async deleteCategory(@Param('id', new IntIdPipe()) id: number): Promise<void> {
    await this.categories.remove(id);
  }
}
