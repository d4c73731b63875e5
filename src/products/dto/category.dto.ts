import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptionalAnew, MAX_INT_ID, OMITTABLE, PageDto, trim } from '../../shared/http';
import { Category } from '../category.entity';

export class CreateCategoryDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: 'Clothing' })
  @Transform(trim)
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'Parent category; omit or null for a root',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  parentId?: number | null;
}

/** Every field may be left out; one sent is validated as on create. */
export class UpdateCategoryDto extends PartialType(CreateCategoryDto, OMITTABLE) {
  @ApiPropertyOptionalAnew({ minLength: 1, maxLength: 120 })
  override name?: string;

  @ApiPropertyOptionalAnew({
    type: 'string',
    nullable: true,
    maxLength: 2000,
    description: 'null clears it',
  })
  override description?: string | null;

  @ApiPropertyOptionalAnew({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'null moves it to the root',
  })
  override parentId?: number | null;
}

export class CategoryDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 'Clothing' })
  name!: string;

  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: null })
  parentId!: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(category: Category): CategoryDto {
    return {
      id: category.id,
      name: category.name,
      description: category.description,
      parentId: category.parentId,
      createdAt: category.createdAt.toISOString(),
      updatedAt: category.updatedAt.toISOString(),
    };
  }
}

export class CategoryPageDto extends PageDto(CategoryDto, 'CategoryPage') {}
