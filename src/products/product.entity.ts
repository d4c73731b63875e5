import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../shared/database';
import { Money, moneyColumnTransformer } from '../shared/money';
import { Category } from './category.entity';

@Entity('products')
@Check('CHK_products_base_price_range', '"base_price_minor" >= 0 AND "base_price_minor" <= 9999999999')
export class Product extends SoftDeletableEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Index('IDX_products_category_id')
  @Column({ name: 'category_id', type: 'integer' })
  categoryId!: number;

  @ManyToOne(() => Category, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'category_id', foreignKeyConstraintName: 'FK_products_category' })
  category?: Category;

  @Column({ name: 'base_price_minor', type: 'bigint', transformer: moneyColumnTransformer })
  basePrice!: Money;
}
