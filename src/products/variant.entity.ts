import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../shared/database';
import { Money, moneyColumnTransformer } from '../shared/money';
import { Product } from './product.entity';

export const VARIANT_SKU_INDEX = 'UQ_variants_sku';

/** Flat attributes of a variant, e.g. `{ "color": "black", "size": "M" }`. */
export type VariantAttributes = Record<string, string>;

@Entity('variants')
// SKUs are unique case-insensitively among live variants: an expression index the
// migration creates, hence synchronize: false.
@Index(VARIANT_SKU_INDEX, { synchronize: false })
@Check('CHK_variants_sku_format', `"sku" ~ '^[A-Za-z0-9._-]{1,64}$'`)
@Check(
  'CHK_variants_price_adjustment_range',
  '"price_adjustment_minor" >= 0 AND "price_adjustment_minor" <= 9999999999',
)
export class Variant extends SoftDeletableEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('IDX_variants_product_id')
  @Column({ name: 'product_id', type: 'integer' })
  productId!: number;

  @ManyToOne(() => Product, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'FK_variants_product' })
  product?: Product;

  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  @Column({
    name: 'price_adjustment_minor',
    type: 'bigint',
    default: 0,
    transformer: moneyColumnTransformer,
  })
  priceAdjustment!: Money;

  @Column({ type: 'jsonb' })
  attributes!: VariantAttributes;
}
