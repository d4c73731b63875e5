import { MigrationInterface, QueryRunner } from 'typeorm';

export class ScarceStockControls1796186324498 implements MigrationInterface {
  name = 'ScarceStockControls1796186324498';

  /** Extendable holds, purchase limits, the stock version (ETag) and the history of stock states. */
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "stock_state_changes" ("id" BIGSERIAL NOT NULL, "variant_id" integer NOT NULL, "from_state" character varying(16) NOT NULL, "to_state" character varying(16) NOT NULL, "event" character varying(32), "cause" character varying(16) NOT NULL, "on_hand" integer NOT NULL, "reserved" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_stock_state_changes_states" CHECK ("from_state" IN ('IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK') AND "to_state" IN ('IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK')), CONSTRAINT "PK_6f7eb6365ff975bad344145d321" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_stock_state_changes_variant" ON "stock_state_changes"  ("variant_id", "id") `,
    );
    await queryRunner.query(`ALTER TABLE "stock_levels" ADD "version" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "stock_levels" ADD "max_per_order" integer`);
    await queryRunner.query(`ALTER TABLE "stock_levels" ADD "max_per_customer" integer`);
    await queryRunner.query(`ALTER TABLE "stock_levels" ADD "limit_window_seconds" integer`);
    await queryRunner.query(`ALTER TABLE "stock_levels" ADD "low_stock_threshold" integer`);
    // Holds made before extensions existed cannot be extended: their cap is their expiry.
    await queryRunner.query(`ALTER TABLE "reservations" ADD "max_expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "reservations" SET "max_expires_at" = "expires_at"`);
    await queryRunner.query(`ALTER TABLE "reservations" ALTER COLUMN "max_expires_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "reservations" ADD "extended_count" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `ALTER TABLE "stock_levels" ADD CONSTRAINT "CHK_stock_levels_limits" CHECK ("max_per_order" > 0 AND "max_per_customer" > 0 AND "limit_window_seconds" > 0 AND "low_stock_threshold" >= 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "reservations" ADD CONSTRAINT "CHK_reservations_hold_cap" CHECK ("expires_at" <= "max_expires_at" AND "extended_count" >= 0)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reservations" DROP CONSTRAINT "CHK_reservations_hold_cap"`);
    await queryRunner.query(`ALTER TABLE "stock_levels" DROP CONSTRAINT "CHK_stock_levels_limits"`);
    await queryRunner.query(`ALTER TABLE "reservations" DROP COLUMN "extended_count"`);
    await queryRunner.query(`ALTER TABLE "reservations" DROP COLUMN "max_expires_at"`);
    await queryRunner.query(`ALTER TABLE "stock_levels" DROP COLUMN "low_stock_threshold"`);
    await queryRunner.query(`ALTER TABLE "stock_levels" DROP COLUMN "limit_window_seconds"`);
    await queryRunner.query(`ALTER TABLE "stock_levels" DROP COLUMN "max_per_customer"`);
    await queryRunner.query(`ALTER TABLE "stock_levels" DROP COLUMN "max_per_order"`);
    await queryRunner.query(`ALTER TABLE "stock_levels" DROP COLUMN "version"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_stock_state_changes_variant"`);
    await queryRunner.query(`DROP TABLE "stock_state_changes"`);
  }
}
