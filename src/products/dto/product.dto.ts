import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import {
  ApiPropertyOptionalAnew,
  IntegerQuery,
  MAX_INT_ID,
  OMITTABLE,
  PageDto,
  PageQueryDto,
  trim,
  trimToUndefined,
} from '../../shared/http';
import { ApiMoneyProperty, IsMoney, Money } from '../../shared/money';
import { Product } from '../product.entity';
import { Variant } from '../variant.entity';
import { VariantDto } from './variant.dto';

export class CreateProductDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'T-Shirt' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  categoryId!: number;

  @IsMoney({ description: 'Price before variant adjustments and pricing rules' })
  basePrice!: Money;
}

/** Every field may be left out; one sent is validated as on create. */
export class UpdateProductDto extends PartialType(CreateProductDto, OMITTABLE) {
  @ApiPropertyOptionalAnew({ minLength: 1, maxLength: 200 })
  override name?: string;

  @ApiPropertyOptionalAnew({
    type: 'string',
    nullable: true,
    maxLength: 5000,
    description: 'null clears it',
  })
  override description?: string | null;

  @ApiPropertyOptionalAnew({ type: 'integer', minimum: 1 })
  override categoryId?: number;
}

export class ProductListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Products of this category and its sub-categories' })
  @IsOptional()
  @IntegerQuery()
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  categoryId?: number;

  @ApiPropertyOptional({ maxLength: 200, description: 'Case-insensitive match anywhere in the name; empty means none' })
  @IsOptional()
  @Transform(trimToUndefined)
  @IsString()
  @Length(1, 200)
  search?: string;
}

export class ProductDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 'T-Shirt' })
  name!: string;

  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;

  @ApiProperty({ example: 1 })
  categoryId!: number;

  @ApiMoneyProperty('Price before variant adjustments and pricing rules')
  basePrice!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(product: Product): ProductDto {
    return {
      id: product.id,
      name: product.name,
      description: product.description,
      categoryId: product.categoryId,
      basePrice: product.basePrice.format(),
      createdAt: product.createdAt.toISOString(),
      updatedAt: product.updatedAt.toISOString(),
    };
  }
}

export class ProductDetailDto extends ProductDto {
  @ApiProperty({ type: [VariantDto] })
  variants!: VariantDto[];

  static withVariants(product: Product, variants: Variant[]): ProductDetailDto {
    return { ...ProductDto.from(product), variants: variants.map((variant) => VariantDto.from(variant)) };
  }
}

export class ProductPageDto extends PageDto(ProductDto, 'ProductPage') {}
