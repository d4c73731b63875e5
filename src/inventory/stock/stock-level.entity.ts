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
@Check(
  'CHK_stock_levels_limits',
  '"max_per_order" > 0 AND "max_per_customer" > 0 AND "limit_window_seconds" > 0 AND "low_stock_threshold" >= 0',
)
export class StockLevel {
  /** The catalog variant; no foreign key because the catalog's tables belong to another module. */
  @PrimaryColumn({ name: 'variant_id', type: 'integer' })
  variantId!: number;

  @Column({ name: 'on_hand', type: 'integer', default: 0 })
  onHand!: number;

  @Column({ type: 'integer', default: 0 })
  reserved!: number;

  /**
   * Raised by every write of the row: the stock's ETag, so that an admin's write based on
   * figures read earlier can ask to apply only if nothing moved since.
   */
  @Column({ type: 'bigint', default: 0, transformer: { to: (value: number) => value, from: Number } })
  version!: number;

  /** Most units of the variant one cart line (one order) may hold; null: no cap. */
  @Column({ name: 'max_per_order', type: 'integer', nullable: true })
  maxPerOrder!: number | null;

  /** Most units one customer may hold or have bought within `limitWindowSeconds`; null: no cap. */
  @Column({ name: 'max_per_customer', type: 'integer', nullable: true })
  maxPerCustomer!: number | null;

  /** The window `maxPerCustomer` counts over; null: every reservation the customer ever made. */
  @Column({ name: 'limit_window_seconds', type: 'integer', nullable: true })
  limitWindowSeconds!: number | null;

  /** Available units at or below which the variant is LOW_STOCK; null: LOW_STOCK_THRESHOLD. */
  @Column({ name: 'low_stock_threshold', type: 'integer', nullable: true })
  lowStockThreshold!: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
