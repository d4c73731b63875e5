import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An endpoint of a shop's integration (ERP, warehouse, storefront cache, email) and the events it wants. */
@Entity('webhook_subscriptions')
export class WebhookSubscription {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 64, array: true })
  events!: string[];

  /** `whsec_` + base64 key, the Standard Webhooks form; kept to sign, shown once at creation. */
  @Column({ type: 'varchar', length: 100 })
  secret!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Why the relay disabled it (a day of failures); null when an admin set `active` or it never failed. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 500, nullable: true })
  disabledReason!: string | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
