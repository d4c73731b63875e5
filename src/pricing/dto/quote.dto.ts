import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CUSTOMER_TIERS, CustomerTier } from '../../shared/auth';
import { IntegerQuery, IsOmittable, MAX_INT_ID } from '../../shared/http';
import { ApiMoneyProperty, Money } from '../../shared/money';
import { AppliedRule, CONSIDERED_REASONS, ConsideredReason, ConsideredRule } from '../price-engine';
import { MAX_QUOTE_QUANTITY, RULE_KINDS, RuleKind } from '../rule';
import type { PriceQuote } from '../pricing.service';
import { DATE_TIME_MESSAGE, DATE_TIME_WITH_ZONE } from './pricing-rule.dto';
import { BooleanQuery } from './query';

export const MAX_QUOTE_LINES = 100;
/** Several times what 100 lines with the longest ids and quantities take, so pretty-printed JSON fits too. */
export const QUOTE_BODY_LIMIT_BYTES = 32 * 1024;

export class QuotePriceQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_QUOTE_QUANTITY, default: 1 })
  @IntegerQuery()
  @IsInt()
  @Min(1)
  @Max(MAX_QUOTE_QUANTITY)
  quantity: number = 1;

  @ApiPropertyOptional({ enum: CUSTOMER_TIERS, enumName: 'CustomerTier', default: 'STANDARD' })
  @IsIn(CUSTOMER_TIERS)
  tier: CustomerTier = 'STANDARD';

  @ApiPropertyOptional({
    type: 'boolean',
    default: false,
    description: 'true adds `considered`: every rule whose scope covers the variant and why it applied or not',
  })
  @BooleanQuery()
  @IsBoolean({ message: 'explain must be true or false' })
  explain: boolean = false;
}

/** The moment an admin's preview prices at. */
class PreviewMomentQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The moment to price at (a scheduled sale before it starts, say); now when left out',
    example: '2026-11-27T12:00:00Z',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE_TIME_WITH_ZONE, { message: DATE_TIME_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_TIME_MESSAGE })
  at?: string;
}

/**
 * An admin's preview: the price at any moment, always with its explanation. Quantity and tier
 * are a quote's. An intersection, not a subclass declaring `at`: class-validator checks a
 * class's own fields before inherited ones, and a failure should list the fields in order.
 */
export class PreviewPriceQueryDto extends IntersectionType(
  PickType(QuotePriceQueryDto, ['quantity', 'tier'] as const),
  PreviewMomentQueryDto,
) {}

export class QuoteLineDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_INT_ID, example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  variantId!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_QUOTE_QUANTITY, example: 10 })
  @IsInt()
  @Min(1)
  @Max(MAX_QUOTE_QUANTITY)
  quantity!: number;
}

export class QuotePricesDto {
  @ApiPropertyOptional({ enum: CUSTOMER_TIERS, enumName: 'CustomerTier', default: 'STANDARD' })
  @IsOmittable()
  @IsIn(CUSTOMER_TIERS)
  tier?: CustomerTier;

  @ApiProperty({ type: [QuoteLineDto], minItems: 1, maxItems: MAX_QUOTE_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_QUOTE_LINES)
  @ValidateNested({ each: true })
  @Type(() => QuoteLineDto)
  items!: QuoteLineDto[];
}

export class AppliedRuleDto {
  @ApiProperty({ example: 1 })
  ruleId!: number;

  @ApiProperty({ example: '10+ units' })
  name!: string;

  @ApiProperty({ enum: RULE_KINDS, enumName: 'PricingRuleKind' })
  kind!: RuleKind;

  @ApiMoneyProperty('Unit price before this rule')
  before!: string;

  @ApiMoneyProperty('Unit price after this rule')
  after!: string;

  static from(rule: AppliedRule): AppliedRuleDto {
    return {
      ruleId: rule.ruleId,
      name: rule.name,
      kind: rule.kind,
      before: rule.before.format(),
      after: rule.after.format(),
    };
  }
}

export class ConsideredRuleDto {
  @ApiProperty({ example: 2 })
  ruleId!: number;

  @ApiProperty({ example: 'Gold' })
  name!: string;

  @ApiProperty({ enum: RULE_KINDS, enumName: 'PricingRuleKind' })
  kind!: RuleKind;

  @ApiProperty({ enum: ['APPLIED', 'SKIPPED'] })
  outcome!: 'APPLIED' | 'SKIPPED';

  @ApiProperty({ enum: CONSIDERED_REASONS, enumName: 'PricingRuleReason', description: 'Stable: branch on this' })
  reason!: ConsideredReason;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'OUTRANKED: the rule that won; NOT_STACKABLE: the rule that ended the chain',
  })
  byRuleId!: number | null;

  @ApiProperty({ example: 'condition not met: tier STANDARD is not GOLD', description: 'For people; may change' })
  detail!: string;

  static from(rule: ConsideredRule): ConsideredRuleDto {
    return { ...rule };
  }
}

export class PriceQuoteDto {
  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ example: 'TSHIRT-BLK-M' })
  sku!: string;

  @ApiProperty({ example: 10 })
  quantity!: number;

  @ApiProperty({ enum: CUSTOMER_TIERS, enumName: 'CustomerTier' })
  tier!: CustomerTier;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiMoneyProperty('Product base price + variant adjustment, before any rule')
  basePrice!: string;

  @ApiMoneyProperty('Price of one unit after the rules')
  unitPrice!: string;

  @ApiMoneyProperty('unitPrice x quantity')
  totalPrice!: string;

  @ApiMoneyProperty('basePrice x quantity - totalPrice (negative when a markup applied)')
  savings!: string;

  @ApiProperty({ type: [AppliedRuleDto], description: 'In the order they applied' })
  appliedRules!: AppliedRuleDto[];

  @ApiPropertyOptional({ type: [ConsideredRuleDto], description: 'Only with explain=true' })
  considered?: ConsideredRuleDto[];

  static from(quote: PriceQuote): PriceQuoteDto {
    return {
      variantId: quote.variantId,
      sku: quote.sku,
      quantity: quote.quantity,
      tier: quote.tier,
      currency: quote.currency,
      basePrice: quote.basePrice.format(),
      unitPrice: quote.unitPrice.format(),
      totalPrice: quote.totalPrice.format(),
      savings: quote.savings.format(),
      appliedRules: quote.appliedRules.map(AppliedRuleDto.from),
      ...(quote.considered ? { considered: quote.considered.map(ConsideredRuleDto.from) } : {}),
    };
  }
}

export class PriceQuotesDto {
  @ApiProperty({ enum: CUSTOMER_TIERS, enumName: 'CustomerTier' })
  tier!: CustomerTier;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ type: [PriceQuoteDto], description: 'One quote per requested line, in the same order' })
  items!: PriceQuoteDto[];

  @ApiMoneyProperty("Sum of the lines' totalPrice")
  totalPrice!: string;

  static from(tier: CustomerTier, currency: string, quotes: PriceQuote[]): PriceQuotesDto {
    const total = quotes.reduce((sum, quote) => sum.plus(quote.totalPrice), Money.ZERO);
    return { tier, currency, items: quotes.map(PriceQuoteDto.from), totalPrice: total.format() };
  }
}
