import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A request made with an `Idempotency-Key`, kept with the response it got so that a
 * replay answers the same. Keys are scoped to the customer: two customers may use one.
 */
@Entity('idempotency_keys')
@Index('IDX_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 200 })
  customerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of the operation and its body: the same key with another request is refused. */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  /**
   * The key is claimed at the start of the request's transaction and the response
   * written at its end, so these are null only inside that uncommitted transaction.
   */
  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
