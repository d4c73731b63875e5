import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../shared/database';

export const CATEGORY_SIBLING_NAME_INDEX = 'UQ_categories_sibling_name';

@Entity('categories')
// Unique on (parent, lower(name)) among live categories, roots included: an expression
// index the migration creates, hence synchronize: false.
@Index(CATEGORY_SIBLING_NAME_INDEX, { synchronize: false })
@Check('CHK_categories_not_own_parent', '"parent_id" IS NULL OR "parent_id" <> "id"')
export class Category extends SoftDeletableEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Index('IDX_categories_parent_id')
  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId!: number | null;

  @ManyToOne(() => Category, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'FK_categories_parent' })
  parent?: Category | null;
}
