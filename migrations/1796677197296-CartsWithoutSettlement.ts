import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cart comes back through the outbox (and the caller's own request), no longer through a
 * sweep that asked inventory about every checked-out cart: the sweep's bookkeeping goes.
 */
export class CartsWithoutSettlement1796677197296 implements MigrationInterface {
  name = 'CartsWithoutSettlement1796677197296';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_carts_unsettled"
        `);
    await queryRunner.query(`
            ALTER TABLE "carts" DROP COLUMN "settled_at"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "carts"
            ADD "settled_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_carts_unsettled" ON "carts" ("checked_out_at", "id")
            WHERE "status" = 'CHECKED_OUT'
                AND "settled_at" IS NULL
        `);
  }
}
