import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { RULE_KINDS, RuleKind } from '../../pricing';
import { ApiPropertyAnew, MAX_INT_ID } from '../../shared/http';
import { ApiMoneyProperty, Money } from '../../shared/money';
import { CART_STATUSES, CartStatus } from '../cart.entity';
import { AppliedRuleSnapshot, CartItem, MAX_LINE_QUANTITY } from '../cart-item.entity';

export class AddCartItemDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_INT_ID, example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT_ID)
  variantId!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LINE_QUANTITY,
    example: 2,
    description: 'Units to add; added to the line when the variant is already in the cart',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

/** The quantity as adding validates it; documented as the line's new quantity instead of units to add. */
export class UpdateCartItemDto extends PickType(AddCartItemDto, ['quantity'] as const) {
  @ApiPropertyAnew({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LINE_QUANTITY,
    example: 3,
    description: "The line's new quantity",
  })
  override quantity!: number;
}

/** A rule as it applied when the line was priced. */
export class CartAppliedRuleDto {
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

  static from(rule: AppliedRuleSnapshot): CartAppliedRuleDto {
    return {
      ruleId: rule.ruleId,
      name: rule.name,
      kind: rule.kind as RuleKind,
      before: Money.ofMinor(rule.beforeMinor).format(),
      after: Money.ofMinor(rule.afterMinor).format(),
    };
  }
}

export class CartItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 1 })
  variantId!: number;

  @ApiProperty({ example: 'TSHIRT-BLK-M' })
  sku!: string;

  @ApiProperty({ example: 'T-shirt' })
  productName!: string;

  @ApiProperty({ example: 2 })
  quantity!: number;

  @ApiMoneyProperty('Price of one unit when the line was last priced: what checkout charges')
  unitPrice!: string;

  @ApiMoneyProperty('unitPrice x quantity')
  lineTotal!: string;

  @ApiProperty({ type: [CartAppliedRuleDto], description: 'The rules behind unitPrice, in the order they applied' })
  appliedRules!: CartAppliedRuleDto[];

  @ApiProperty({ format: 'date-time', description: 'When the line was priced (added, or its quantity changed)' })
  pricedAt!: string;

  static from(item: CartItem): CartItemDto {
    return {
      id: item.id,
      variantId: item.variantId,
      sku: item.sku,
      productName: item.productName,
      quantity: item.quantity,
      unitPrice: item.unitPrice.format(),
      lineTotal: item.unitPrice.times(item.quantity).format(),
      appliedRules: item.appliedRules.map((rule) => CartAppliedRuleDto.from(rule)),
      pricedAt: item.pricedAt.toISOString(),
    };
  }
}

export class CartDto {
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'null until the first item is added (and after a checkout, until the next one)',
  })
  id!: string | null;

  @ApiProperty({ enum: CART_STATUSES, enumName: 'CartStatus' })
  status!: CartStatus;

  @ApiProperty({ type: [CartItemDto], description: 'In the order they were added' })
  items!: CartItemDto[];

  @ApiMoneyProperty("Sum of the lines' lineTotal")
  subtotal!: string;

  @ApiMoneyProperty('What the pricing rules took off the base prices (negative when a markup applied)')
  savings!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  static from(cart: { id: string | null; status: CartStatus; items: CartItem[] }, currency: string): CartDto {
    const subtotal = cart.items.reduce((sum, item) => sum.plus(item.unitPrice.times(item.quantity)), Money.ZERO);
    const base = cart.items.reduce((sum, item) => sum.plus(item.basePrice.times(item.quantity)), Money.ZERO);
    return {
      id: cart.id,
      status: cart.status,
      items: cart.items.map((item) => CartItemDto.from(item)),
      subtotal: subtotal.format(),
      savings: base.minus(subtotal).format(),
      currency,
    };
  }
}
