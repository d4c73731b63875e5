import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, registerDecorator } from 'class-validator';
import {
  ApiPropertyOptionalAnew,
  IntegerQuery,
  IsOmittable,
  MAX_INT_ID,
  OMITTABLE,
  PageDto,
  PageQueryDto,
  trimToUndefined,
} from '../../shared/http';
import { ApiMoneyProperty, IsMoney, Money, moneyInputDoc } from '../../shared/money';
import { Variant, VariantAttributes } from '../variant.entity';

export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_ATTRIBUTES = 50;
const MAX_ATTRIBUTE_KEY = 64;
const MAX_ATTRIBUTE_VALUE = 256;

function IsFlatStringRecord(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isFlatStringRecord',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message:
          `$property must be an object of at most ${MAX_ATTRIBUTES} string values, ` +
          `with keys of 1-${MAX_ATTRIBUTE_KEY} and values of at most ${MAX_ATTRIBUTE_VALUE} characters`,
      },
      validator: {
        validate(value: unknown) {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= MAX_ATTRIBUTES &&
            entries.every(
              ([key, item]) =>
                key.length >= 1 &&
                key.length <= MAX_ATTRIBUTE_KEY &&
                typeof item === 'string' &&
                item.length <= MAX_ATTRIBUTE_VALUE,
            )
          );
        },
      },
    });
}

const SKU_MESSAGE = 'sku must be 1-64 characters of A-Z a-z 0-9 - _ .';
const ATTRIBUTES_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: MAX_ATTRIBUTE_VALUE },
  maxProperties: MAX_ATTRIBUTES,
  example: { color: 'black', size: 'M' },
} as const;

export class CreateVariantDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  productId!: number;

  @ApiProperty({ pattern: SKU_PATTERN.source, example: 'TSHIRT-BLK-M' })
  @Matches(SKU_PATTERN, { message: SKU_MESSAGE })
  sku!: string;

  @IsOmittable()
  @IsMoney({ required: false, description: 'Added to the product base price; default 0' })
  priceAdjustment?: Money;

  @ApiPropertyOptional(ATTRIBUTES_SCHEMA)
  @IsOmittable()
  @IsFlatStringRecord()
  attributes?: VariantAttributes;
}

/** A variant stays with its product; every other field may be left out, and one sent is validated as on create. */
export class UpdateVariantDto extends PartialType(OmitType(CreateVariantDto, ['productId'] as const), OMITTABLE) {
  @ApiPropertyOptionalAnew({ pattern: SKU_PATTERN.source })
  override sku?: string;

  @ApiPropertyOptionalAnew(moneyInputDoc({ description: 'Added to the product base price' }))
  override priceAdjustment?: Money;

  @ApiPropertyOptionalAnew({ ...ATTRIBUTES_SCHEMA, description: 'Replaces all attributes' })
  override attributes?: VariantAttributes;
}

export class VariantListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only the variants of this product' })
  @IsOptional()
  @IntegerQuery()
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  productId?: number;

  @ApiPropertyOptional({
    maxLength: 100,
    description: 'Case-insensitive: variants whose SKU starts with it or whose product name contains it',
  })
  @IsOptional()
  @Transform(trimToUndefined)
  @IsString()
  @Length(1, 100)
  search?: string;
}

export class VariantDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 1 })
  productId!: number;

  @ApiProperty({ example: 'TSHIRT-BLK-M' })
  sku!: string;

  @ApiMoneyProperty('Added to the product base price')
  priceAdjustment!: string;

  @ApiProperty(ATTRIBUTES_SCHEMA)
  attributes!: VariantAttributes;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(variant: Variant): VariantDto {
    return {
      id: variant.id,
      productId: variant.productId,
      sku: variant.sku,
      priceAdjustment: variant.priceAdjustment.format(),
      attributes: variant.attributes,
      createdAt: variant.createdAt.toISOString(),
      updatedAt: variant.updatedAt.toISOString(),
    };
  }
}

export class VariantPageDto extends PageDto(VariantDto, 'VariantPage') {}
