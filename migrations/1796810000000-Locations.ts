import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Locations, starting with DEFAULT, which holds all of a shop's stock: every ledger row,
 * past and future, records where the units moved. Adding the column with a constant default
 * rewrites no row; the foreign key is checked against the existing ledger after it is added,
 * which lets writes go on meanwhile.
 */
export class Locations1796810000000 implements MigrationInterface {
  name = 'Locations1796810000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "locations" (
                "code" character varying(32) NOT NULL,
                "name" character varying(200) NOT NULL,
                "priority" integer NOT NULL DEFAULT '100',
                "pickup" boolean NOT NULL DEFAULT false,
                "active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_locations_code" CHECK ("code" ~ '^[A-Z0-9_-]{1,32}$'),
                CONSTRAINT "PK_1c65ef243169e51b514c814eeae" PRIMARY KEY ("code")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "locations" ("code", "name", "priority") VALUES ('DEFAULT', 'Default location', 0)
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements"
            ADD "location_code" character varying(32) NOT NULL DEFAULT 'DEFAULT'
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements"
            ADD CONSTRAINT "FK_stock_movements_location" FOREIGN KEY ("location_code") REFERENCES "locations"("code") ON DELETE RESTRICT ON UPDATE NO ACTION NOT VALID
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements" VALIDATE CONSTRAINT "FK_stock_movements_location"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "stock_movements" DROP CONSTRAINT "FK_stock_movements_location"
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements" DROP COLUMN "location_code"
        `);
    await queryRunner.query(`
            DROP TABLE "locations"
        `);
  }
}
