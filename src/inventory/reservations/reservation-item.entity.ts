import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Money, moneyColumnTransformer } from '../../shared/money';
import { Reservation } from './reservation.entity';
import { StockLevel } from '../stock/stock-level.entity';

/** A line of a reservation, with the SKU and unit price as they were when it was made. */
@Entity('reservation_items')
@Index('IDX_reservation_items_variant', ['variantId'])
@Check('CHK_reservation_items_quantity', '"quantity" > 0')
@Check('CHK_reservation_items_unit_price', '"unit_price_minor" >= 0')
export class ReservationItem {
  @PrimaryColumn({ name: 'reservation_id', type: 'uuid' })
  reservationId!: string;

  @PrimaryColumn({ name: 'variant_id', type: 'integer' })
  variantId!: number;

  @ManyToOne(() => Reservation, (reservation) => reservation.items, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reservation_id', foreignKeyConstraintName: 'FK_reservation_items_reservation' })
  reservation?: Reservation;

  @ManyToOne(() => StockLevel, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'variant_id', foreignKeyConstraintName: 'FK_reservation_items_stock_level' })
  stockLevel?: StockLevel;

  /** Snapshot: a deleted variant's SKU can be reused by another variant later. */
  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ name: 'unit_price_minor', type: 'bigint', transformer: moneyColumnTransformer })
  unitPrice!: Money;
}
