import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The most units one variant can hold; keeps every counter far from integer overflow. */
export const MAX_ON_HAND = 1_000_000_000;

/**
 * The counters of one variant's stock. `reserved` units are held by ACTIVE reservations;
 * the CHECK makes overselling a failed transaction instead of a silent bug.
 */
@Entity('stock_levels')
@Check('CHK_stock_levels_on_hand_range', `"on_hand" >= 0 AND "on_hand" <= ${MAX_ON_HAND}`)
@Check('CHK_stock_levels_reserved_range', '"reserved" >= 0 AND "reserved" <= "on_hand"')
export class StockLevel {
  /** The catalog variant; no foreign key because the catalog's tables belong to another module. */
  @PrimaryColumn({ name: 'variant_id', type: 'integer' })
  variantId!: number;

  @Column({ name: 'on_hand', type: 'integer', default: 0 })
  onHand!: number;

  @Column({ type: 'integer', default: 0 })
  reserved!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
