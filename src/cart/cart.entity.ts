import { Check, Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
// A type only: the line names its cart at run time, so the two files do not load each other.
import type { CartItem } from './cart-item.entity';

export const CART_STATUSES = ['ACTIVE', 'CHECKED_OUT'] as const;
export type CartStatus = (typeof CART_STATUSES)[number];

/** The most lines one cart holds; keeps any cart total far inside safe integer minor units. */
export const MAX_CART_LINES = 50;

/**
 * A customer's cart. At most one is ACTIVE per customer (the partial unique index), so
 * concurrent first adds cannot open two. A CHECKED_OUT cart points at its reservation and
 * becomes ACTIVE again if that reservation is released.
 */
@Entity('carts')
@Check('CHK_carts_status', `"status" IN (${CART_STATUSES.map((status) => `'${status}'`).join(', ')})`)
@Check('CHK_carts_reservation_when_checked_out', `("status" = 'CHECKED_OUT') = ("reservation_id" IS NOT NULL)`)
@Index('UQ_carts_active_customer', ['customerId'], { unique: true, where: `"status" = 'ACTIVE'` })
// A customer's carts newest first: finding the latest one, and whether a newer one exists.
@Index('IDX_carts_customer_created', ['customerId', 'createdAt'])
export class Cart {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The token's `sub`. */
  @Column({ name: 'customer_id', type: 'varchar', length: 200 })
  customerId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CartStatus;

  /** The inventory reservation made at checkout; no foreign key, as that table belongs to inventory. */
  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId!: string | null;

  /**
   * Raised by every change to the cart or its lines. Checkout reads the lines before its
   * transaction and, holding the cart's row lock, proceeds only if this has not moved.
   */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  @Column({ name: 'checked_out_at', type: 'timestamptz', nullable: true })
  checkedOutAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany('CartItem', (item: CartItem) => item.cart)
  items?: CartItem[];
}
