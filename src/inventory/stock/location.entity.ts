import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A location code: what admins type and what the ledger and events show; it never changes. */
export const LOCATION_CODE_PATTERN = '^[A-Z0-9_-]{1,32}$';

/** The location every shop starts with, created by the migration that introduced locations. */
export const DEFAULT_LOCATION_CODE = 'DEFAULT';

/**
 * A place that holds stock: a warehouse, a store. Every stock movement says where it
 * happened. A shop starts with one, `DEFAULT`, which holds all of its stock.
 */
@Entity('locations')
@Check('CHK_locations_code', `"code" ~ '${LOCATION_CODE_PATTERN}'`)
export class Location {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Lower is preferred when stock is allocated. */
  @Column({ type: 'integer', default: 100 })
  priority!: number;

  /** Customers may collect their orders there. */
  @Column({ type: 'boolean', default: false })
  pickup!: boolean;

  /** An inactive location gets no new allocations; its stock, holds and ledger stay. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
