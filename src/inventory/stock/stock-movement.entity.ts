import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Reservation } from '../reservations/reservation.entity';
import { DEFAULT_LOCATION_CODE, Location } from './location.entity';
import { StockLevel } from './stock-level.entity';

/** Why stock moved. Admins record the first four; the reservation lifecycle writes the rest. */
export const MOVEMENT_REASONS = [
  'RESTOCK',
  'RETURN',
  'DAMAGE',
  'ADJUSTMENT',
  'COUNT',
  'RESERVE',
  'SALE',
  'CANCEL',
  'EXPIRE',
] as const;
export type MovementReason = (typeof MOVEMENT_REASONS)[number];

/**
 * One row of the append-only stock ledger. A variant's on-hand always equals the sum of
 * its `delta`s; `reserved_delta` traces the reservation counter the same way.
 */
@Entity('stock_movements')
@Index('IDX_stock_movements_variant', ['variantId', 'id'])
@Check('CHK_stock_movements_reason', `"reason" IN (${MOVEMENT_REASONS.map((reason) => `'${reason}'`).join(', ')})`)
export class StockMovement {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'variant_id', type: 'integer' })
  variantId!: number;

  @ManyToOne(() => StockLevel, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'FK_stock_movements_stock_level' })
  stockLevel?: StockLevel;

  /** Where the units moved. Every writer records its movements at DEFAULT until stock is kept per location. */
  @Column({ name: 'location_code', type: 'varchar', length: 32, default: DEFAULT_LOCATION_CODE })
  locationCode!: string;

  @ManyToOne(() => Location, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'location_code', foreignKeyConstraintName: 'FK_stock_movements_location' })
  location?: Location;

  @Column({ type: 'varchar', length: 16 })
  reason!: MovementReason;

  /** Change of on-hand units. */
  @Column({ type: 'integer' })
  delta!: number;

  /** Change of reserved units. */
  @Column({ name: 'reserved_delta', type: 'integer', default: 0 })
  reservedDelta!: number;

  @Column({ name: 'on_hand_after', type: 'integer' })
  onHandAfter!: number;

  @Column({ name: 'reserved_after', type: 'integer' })
  reservedAfter!: number;

  @Index('IDX_stock_movements_reservation')
  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId!: string | null;

  @ManyToOne(() => Reservation, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reservation_id', foreignKeyConstraintName: 'FK_stock_movements_reservation' })
  reservation?: Reservation;

  /** Who made an admin movement (the token's subject). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  actor!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
