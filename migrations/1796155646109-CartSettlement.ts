import { MigrationInterface, QueryRunner } from 'typeorm';

export class CartSettlement1796155646109 implements MigrationInterface {
  name = 'CartSettlement1796155646109';

  public async up(queryRunner: QueryRunner): Promise<void> {
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

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_carts_unsettled"
        `);
    await queryRunner.query(`
            ALTER TABLE "carts" DROP COLUMN "settled_at"
        `);
  }
}
