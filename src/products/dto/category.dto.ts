import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsOmittable, MAX_INT_ID, PageDto, trim } from '../../shared/http';
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

export class UpdateCategoryDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 2000, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'null moves it to the root' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  parentId?: number | null;
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
