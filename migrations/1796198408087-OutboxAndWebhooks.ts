import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxAndWebhooks1796198408087 implements MigrationInterface {
  name = 'OutboxAndWebhooks1796198408087';

  /** The transactional outbox, webhook subscriptions and the deliveries of events to them and to internal consumers. */
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "outbox_events" ("seq" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "type" character varying(64) NOT NULL, "aggregate_type" character varying(32) NOT NULL, "aggregate_id" character varying(64) NOT NULL, "payload" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "dispatched_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cc48a1566b3b842a82f0b2615c8" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_outbox_events_id" ON "outbox_events"  ("id") `);
    await queryRunner.query(`CREATE INDEX "IDX_outbox_events_occurred_at" ON "outbox_events"  ("occurred_at") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_outbox_events_undispatched" ON "outbox_events"  ("seq") WHERE "dispatched_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_subscriptions" ("id" uuid NOT NULL, "url" character varying(2048) NOT NULL, "events" character varying(64) array NOT NULL, "secret" character varying(100) NOT NULL, "description" character varying(200), "active" boolean NOT NULL DEFAULT true, "disabled_reason" character varying(500), "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bf631ae77d39849d599817fb6f4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "event_deliveries" ("id" uuid NOT NULL, "event_seq" bigint NOT NULL, "target" character varying(80) NOT NULL, "subscription_id" uuid, "aggregate_key" character varying(100) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'PENDING', "ready" boolean NOT NULL DEFAULT false, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_error" character varying(500), "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_event_deliveries_status" CHECK ("status" IN ('PENDING', 'DELIVERED', 'FAILED')), CONSTRAINT "PK_ca0ffb54b343624dfb988080657" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_event_deliveries_created_at" ON "event_deliveries"  ("created_at") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_event_deliveries_subscription" ON "event_deliveries"  ("subscription_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_event_deliveries_pending_order" ON "event_deliveries"  ("target", "aggregate_key", "event_seq") WHERE "status" = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_event_deliveries_ready" ON "event_deliveries"  ("next_attempt_at") WHERE "status" = 'PENDING' AND "ready"`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_event_deliveries_event_target" ON "event_deliveries"  ("event_seq", "target") `,
    );
    await queryRunner.query(
      `ALTER TABLE "event_deliveries" ADD CONSTRAINT "FK_b00a02d0abe89a4bed19ee0d7ee" FOREIGN KEY ("event_seq") REFERENCES "outbox_events"("seq") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "event_deliveries" ADD CONSTRAINT "FK_8f934b935b3f1a4c5df2006b955" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "event_deliveries" DROP CONSTRAINT "FK_8f934b935b3f1a4c5df2006b955"`);
    await queryRunner.query(`ALTER TABLE "event_deliveries" DROP CONSTRAINT "FK_b00a02d0abe89a4bed19ee0d7ee"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_event_deliveries_event_target"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_event_deliveries_ready"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_event_deliveries_pending_order"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_event_deliveries_subscription"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_event_deliveries_created_at"`);
    await queryRunner.query(`DROP TABLE "event_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_events_undispatched"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outbox_events_occurred_at"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_outbox_events_id"`);
    await queryRunner.query(`DROP TABLE "outbox_events"`);
  }
}
