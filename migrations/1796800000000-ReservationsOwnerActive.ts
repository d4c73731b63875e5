import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer's live holds, counted by every checkout while it holds the stock lock, are
 * found by customer rather than among every customer's live holds. Built concurrently, so
 * checkouts go on writing reservations while it is built.
 */
export class ReservationsOwnerActive1796800000000 implements MigrationInterface {
  name = 'ReservationsOwnerActive1796800000000';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A build interrupted before leaves an invalid index of this name behind: start again.
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_reservations_owner_active"`);
    await queryRunner.query(`
            CREATE INDEX CONCURRENTLY "IDX_reservations_owner_active" ON "reservations" ("owner_id", "expires_at")
            WHERE "status" = 'ACTIVE'
        `);
  }

  // A revert runs in a transaction whatever the migration says (TypeORM's undoLastMigration),
  // and dropping an index is quick: not concurrently.
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "public"."IDX_reservations_owner_active"`);
  }
}
