import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { CUSTOMER_TIERS, CustomerTier } from '../shared/auth';
import { Money, moneyColumnTransformer } from '../shared/money';
import { Cart } from './cart.entity';

/** A rule as it applied when the line was priced, amounts in minor units. */
export interface AppliedRuleSnapshot {
  ruleId: number;
  name: string;
  kind: string;
  beforeMinor: number;
  afterMinor: number;
}

/** The most units of one variant a line holds (the pricing engine's quantity limit). */
export const MAX_LINE_QUANTITY = 10_000;

/**
 * One variant in a cart with the price it was quoted at: checkout charges this snapshot,
 * not a fresh quote. The line is re-quoted whenever its quantity changes.
 */
@Entity('cart_items')
@Unique('UQ_cart_items_cart_variant', ['cartId', 'variantId'])
@Check('CHK_cart_items_quantity', `"quantity" BETWEEN 1 AND ${MAX_LINE_QUANTITY}`)
@Check('CHK_cart_items_prices', '"unit_price_minor" >= 0 AND "base_price_minor" >= 0')
@Check('CHK_cart_items_tier', `"tier" IN (${CUSTOMER_TIERS.map((tier) => `'${tier}'`).join(', ')})`)
export class CartItem {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'cart_id', type: 'uuid' })
  cartId!: string;

  @ManyToOne(() => Cart, (cart) => cart.items, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cart_id', foreignKeyConstraintName: 'FK_cart_items_cart' })
  cart?: Cart;

  /** The catalog variant; no foreign key, as the catalog's tables belong to another module. */
  @Column({ name: 'variant_id', type: 'integer' })
  variantId!: number;

  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  @Column({ name: 'product_name', type: 'varchar', length: 200 })
  productName!: string;

  @Column({ type: 'integer' })
  quantity!: number;

  /** Price of one unit after the rules, as quoted for the customer's tier. */
  @Column({ name: 'unit_price_minor', type: 'bigint', transformer: moneyColumnTransformer })
  unitPrice!: Money;

  /** Price of one unit before any rule, so the cart can show what the rules saved. */
  @Column({ name: 'base_price_minor', type: 'bigint', transformer: moneyColumnTransformer })
  basePrice!: Money;

  /** The tier the line was priced for: the token's when it was added or last changed. */
  @Column({ type: 'varchar', length: 16 })
  tier!: CustomerTier;

  @Column({ name: 'applied_rules', type: 'jsonb' })
  appliedRules!: AppliedRuleSnapshot[];

  @Column({ name: 'priced_at', type: 'timestamptz' })
  pricedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
