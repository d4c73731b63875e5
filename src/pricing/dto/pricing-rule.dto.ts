import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { CUSTOMER_TIERS, CustomerTier } from '../../shared/auth';
import {
  ApiPropertyOptionalAnew,
  IntegerQuery,
  IsOmittable,
  MAX_INT_ID,
  OMITTABLE,
  PageDto,
  PageQueryDto,
  trim,
} from '../../shared/http';
import { Money } from '../../shared/money';
import {
  EFFECT_TYPES,
  EffectType,
  MAX_QUOTE_QUANTITY,
  StoredRule,
  RULE_KINDS,
  RuleKind,
  SCOPE_TYPES,
  ScopeType,
} from '../rule';
import { conditionInputOf, effectValueOf } from '../rule-definition';
import { BooleanQuery } from './query';

export const MAX_PRIORITY = 1_000_000;
/** A date-time with a time zone (Z or an offset): a local time would mean something else on each server. */
export const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const DATE_TIME_MESSAGE = '$property must be an ISO 8601 date-time with a time zone, e.g. 2026-11-27T00:00:00Z';
const EFFECT_VALUE_PATTERN = '^\\d{1,8}(\\.\\d{1,2})?$';

/** A non-negative decimal with at most two decimals, as a string or a JSON number; its range depends on the effect type. */
function IsEffectValue(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEffectValue',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: '$property must be a non-negative decimal with at most two decimals, as a string ("10.5") or a number',
      },
      validator: { validate: (value: unknown) => Money.tryParse(value) !== null },
    });
}

export class RuleScopeInputDto {
  @ApiProperty({ enum: SCOPE_TYPES, enumName: 'PricingScopeType', example: 'GLOBAL' })
  @IsIn(SCOPE_TYPES)
  type!: ScopeType;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_INT_ID,
    description: 'The category, product or variant id (it must exist); omit or null for GLOBAL',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  id?: number | null;
}

/** Each kind takes its own fields only: SCHEDULE startsAt+endsAt, STOCK_LEVEL maxAvailable, QUANTITY minQuantity, CUSTOMER_TIER tier. */
export class RuleConditionInputDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'SCHEDULE: start of the window (inclusive)' })
  @IsOmittable()
  @IsString()
  @Matches(DATE_TIME_WITH_ZONE, { message: DATE_TIME_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_TIME_MESSAGE })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'SCHEDULE: end of the window (exclusive), after startsAt' })
  @IsOmittable()
  @IsString()
  @Matches(DATE_TIME_WITH_ZONE, { message: DATE_TIME_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_TIME_MESSAGE })
  endsAt?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_INT_ID,
    description: 'STOCK_LEVEL: applies while available stock is at or below this',
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_INT_ID)
  maxAvailable?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_QUOTE_QUANTITY,
    description: 'QUANTITY: applies from this many units a line',
  })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_QUOTE_QUANTITY)
  minQuantity?: number;

  @ApiPropertyOptional({
    enum: CUSTOMER_TIERS,
    enumName: 'CustomerTier',
    description: 'CUSTOMER_TIER: the tier it is for',
  })
  @IsOmittable()
  @IsIn(CUSTOMER_TIERS)
  tier?: CustomerTier;
}

export class RuleEffectInputDto {
  @ApiProperty({ enum: EFFECT_TYPES, enumName: 'PricingEffectType', example: 'PERCENT_OFF' })
  @IsIn(EFFECT_TYPES)
  type!: EffectType;

  @ApiProperty({
    type: String,
    pattern: EFFECT_VALUE_PATTERN,
    example: '10',
    description:
      'PERCENT_OFF: percent 0-100; PERCENT_MARKUP: percent 0-1000; AMOUNT_OFF and FIXED_PRICE: amount 0-99999999.99. ' +
      'At most two decimals, as a decimal string (or a JSON number).',
  })
  @IsEffectValue()
  value!: string | number;
}

export class CreatePricingRuleDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: '10+ units' })
  @Transform(trim)
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ enum: RULE_KINDS, enumName: 'PricingRuleKind', example: 'QUANTITY' })
  @IsIn(RULE_KINDS)
  kind!: RuleKind;

  @ApiProperty({ type: RuleScopeInputDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleScopeInputDto)
  scope!: RuleScopeInputDto;

  @ApiProperty({ type: RuleConditionInputDto, example: { minQuantity: 10 } })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleConditionInputDto)
  condition!: RuleConditionInputDto;

  @ApiProperty({ type: RuleEffectInputDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleEffectInputDto)
  effect!: RuleEffectInputDto;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: -MAX_PRIORITY,
    maximum: MAX_PRIORITY,
    default: 0,
    description: 'Breaks ties between rules of the same kind and scope: higher wins',
  })
  @IsOmittable()
  @IsInt()
  @Min(-MAX_PRIORITY)
  @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ default: true, description: 'false: once this rule applies, later stages are skipped' })
  @IsOmittable()
  @IsBoolean()
  stackable?: boolean;

  @ApiPropertyOptional({ default: true, description: 'false: kept but never applied' })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}

/**
 * Every field may be left out, and one sent is validated as on create; scope, condition and
 * effect are replaced whole. The merged rule is checked again. Documented without create's
 * examples and defaults: a field left out keeps the rule's value.
 */
export class UpdatePricingRuleDto extends PartialType(CreatePricingRuleDto, OMITTABLE) {
  @ApiPropertyOptionalAnew({ minLength: 1, maxLength: 120 })
  override name?: string;

  @ApiPropertyOptionalAnew({
    enum: RULE_KINDS,
    enumName: 'PricingRuleKind',
    description: 'Changing it needs a new condition',
  })
  override kind?: RuleKind;

  @ApiPropertyOptionalAnew({ type: RuleConditionInputDto })
  override condition?: RuleConditionInputDto;

  @ApiPropertyOptionalAnew({ type: 'integer', minimum: -MAX_PRIORITY, maximum: MAX_PRIORITY })
  override priority?: number;

  @ApiPropertyOptionalAnew()
  override stackable?: boolean;

  @ApiPropertyOptionalAnew()
  override active?: boolean;
}

export class PricingRuleListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RULE_KINDS, enumName: 'PricingRuleKind', description: 'Only rules of this kind' })
  @IsOptional()
  @IsIn(RULE_KINDS)
  kind?: RuleKind;

  @ApiPropertyOptional({
    enum: SCOPE_TYPES,
    enumName: 'PricingScopeType',
    description: 'Only rules of this scope type',
  })
  @IsOptional()
  @IsIn(SCOPE_TYPES)
  scopeType?: ScopeType;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only rules scoped to this id' })
  @IsOptional()
  @IntegerQuery()
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  scopeId?: number;

  @ApiPropertyOptional({ type: 'boolean', description: 'Only active (true) or inactive (false) rules' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}

export class RuleScopeDto {
  @ApiProperty({ enum: SCOPE_TYPES, enumName: 'PricingScopeType' })
  type!: ScopeType;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null for GLOBAL' })
  id!: number | null;
}

/** Only the fields of the rule's kind are present. */
export class RuleConditionDto {
  @ApiPropertyOptional({ format: 'date-time' })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  endsAt?: string;

  @ApiPropertyOptional({ type: 'integer' })
  maxAvailable?: number;

  @ApiPropertyOptional({ type: 'integer' })
  minQuantity?: number;

  @ApiPropertyOptional({ enum: CUSTOMER_TIERS, enumName: 'CustomerTier' })
  tier?: CustomerTier;
}

export class RuleEffectDto {
  @ApiProperty({ enum: EFFECT_TYPES, enumName: 'PricingEffectType' })
  type!: EffectType;

  @ApiProperty({
    type: 'string',
    pattern: '^\\d+\\.\\d{2}$',
    example: '10.00',
    description: 'A percent for PERCENT_* effects ("10.00" is 10 %), an amount for the others',
  })
  value!: string;
}

export class PricingRuleDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: '10+ units' })
  name!: string;

  @ApiProperty({ enum: RULE_KINDS, enumName: 'PricingRuleKind' })
  kind!: RuleKind;

  @ApiProperty({ type: RuleScopeDto })
  scope!: RuleScopeDto;

  @ApiProperty({ type: RuleConditionDto, example: { minQuantity: 10 } })
  condition!: RuleConditionDto;

  @ApiProperty({ type: RuleEffectDto })
  effect!: RuleEffectDto;

  @ApiProperty({ example: 0 })
  priority!: number;

  @ApiProperty({ example: true })
  stackable!: boolean;

  @ApiProperty({ example: true })
  active!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(rule: StoredRule): PricingRuleDto {
    return {
      id: rule.id,
      name: rule.name,
      kind: rule.kind,
      scope: { type: rule.scope.type, id: rule.scope.id },
      condition: conditionInputOf(rule),
      effect: { type: rule.effect.type, value: effectValueOf(rule.effect) },
      priority: rule.priority,
      stackable: rule.stackable,
      active: rule.active,
      createdAt: rule.createdAt.toISOString(),
      updatedAt: rule.updatedAt.toISOString(),
    };
  }
}

export class PricingRulePageDto extends PageDto(PricingRuleDto, 'PricingRulePage') {}
