import { Check, Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Money, moneyColumnTransformer } from '../../shared/money';
// A type only: the item names its reservation at run time, so the two files do not load each other.
import type { ReservationItem } from './reservation-item.entity';

export const RESERVATION_STATUSES = ['ACTIVE', 'CONFIRMED', 'CANCELLED', 'EXPIRED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

@Entity('reservations')
@Check('CHK_reservations_status', `"status" IN (${RESERVATION_STATUSES.map((status) => `'${status}'`).join(', ')})`)
@Check('CHK_reservations_total_range', '"total_minor" >= 0')
@Check('CHK_reservations_hold_cap', '"expires_at" <= "max_expires_at" AND "extended_count" >= 0')
@Check('CHK_reservations_closed_when_final', `("status" = 'ACTIVE') = ("closed_at" IS NULL)`)
// The sweep and every checkout look for overdue ACTIVE reservations: keep that set small to scan.
@Index('IDX_reservations_active_expiry', ['expiresAt'], { where: `"status" = 'ACTIVE'` })
// Each checkout counts the customer's live holds inside the stock lock: without this the count
// reads every live hold of every customer, which is slowest exactly when a sale is busiest.
@Index('IDX_reservations_owner_active', ['ownerId', 'expiresAt'], { where: `"status" = 'ACTIVE'` })
export class Reservation {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The customer id (`sub`) that owns it. */
  @Index('IDX_reservations_owner')
  @Column({ name: 'owner_id', type: 'varchar', length: 200 })
  ownerId!: string;

  /** The caller's opaque reference, e.g. the cart it was made from. */
  @Column({ name: 'owner_ref', type: 'varchar', length: 200, nullable: true })
  ownerRef!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ReservationStatus;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'total_minor', type: 'bigint', transformer: moneyColumnTransformer })
  total!: Money;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** The latest `expiresAt` an extension may reach: creation plus RESERVATION_MAX_HOLD_SECONDS. */
  @Column({ name: 'max_expires_at', type: 'timestamptz' })
  maxExpiresAt!: Date;

  /** How many times the hold was extended; also names the expiry job of the current `expiresAt`. */
  @Column({ name: 'extended_count', type: 'integer', default: 0 })
  extendedCount!: number;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany('ReservationItem', (item: ReservationItem) => item.reservation)
  items?: ReservationItem[];
}
