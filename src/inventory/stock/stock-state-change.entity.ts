import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { STOCK_STATES, StockState, StockStateCause } from './stock-state';

const STATE_LIST = STOCK_STATES.map((state) => `'${state}'`).join(', ');

/**
 * One change of a variant's stock state, written in the transaction that caused it, with
 * its outbox event (`stock.low`, `stock.out`, `stock.back_in_stock`, or none for a rise to
 * IN_STOCK): the history the state-changes route lists, rises included.
 */
@Entity('stock_state_changes')
@Index('IDX_stock_state_changes_variant', ['variantId', 'id'])
@Check('CHK_stock_state_changes_states', `"from_state" IN (${STATE_LIST}) AND "to_state" IN (${STATE_LIST})`)
export class StockStateChange {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'variant_id', type: 'integer' })
  variantId!: number;

  @Column({ name: 'from_state', type: 'varchar', length: 16 })
  fromState!: StockState;

  @Column({ name: 'to_state', type: 'varchar', length: 16 })
  toState!: StockState;

  /** The outbox event it published (`stock.out`, ...), null for a rise from LOW_STOCK to IN_STOCK. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  event!: string | null;

  @Column({ type: 'varchar', length: 16 })
  cause!: StockStateCause;

  @Column({ name: 'on_hand', type: 'integer' })
  onHand!: number;

  @Column({ type: 'integer' })
  reserved!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
