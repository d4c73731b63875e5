import { MigrationInterface, QueryRunner } from 'typeorm';

export class Inventory1795501327939 implements MigrationInterface {
  name = 'Inventory1795501327939';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "reservations" (
                "id" uuid NOT NULL,
                "owner_id" character varying(200) NOT NULL,
                "owner_ref" character varying(200),
                "status" character varying(16) NOT NULL,
                "currency" character(3) NOT NULL,
                "total_minor" bigint NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_reservations_closed_when_final" CHECK (("status" = 'ACTIVE') = ("closed_at" IS NULL)),
                CONSTRAINT "CHK_reservations_total_range" CHECK ("total_minor" >= 0),
                CONSTRAINT "CHK_reservations_status" CHECK (
                    "status" IN ('ACTIVE', 'CONFIRMED', 'CANCELLED', 'EXPIRED')
                ),
                CONSTRAINT "PK_da95cef71b617ac35dc5bcda243" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_reservations_owner" ON "reservations" ("owner_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_reservations_active_expiry" ON "reservations" ("expires_at")
            WHERE "status" = 'ACTIVE'
        `);
    await queryRunner.query(`
            CREATE TABLE "stock_levels" (
                "variant_id" integer NOT NULL,
                "on_hand" integer NOT NULL DEFAULT '0',
                "reserved" integer NOT NULL DEFAULT '0',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_stock_levels_reserved_range" CHECK (
                    "reserved" >= 0
                    AND "reserved" <= "on_hand"
                ),
                CONSTRAINT "CHK_stock_levels_on_hand_range" CHECK (
                    "on_hand" >= 0
                    AND "on_hand" <= 1000000000
                ),
                CONSTRAINT "PK_9934451465a759487da515f7b52" PRIMARY KEY ("variant_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "reservation_items" (
                "reservation_id" uuid NOT NULL,
                "variant_id" integer NOT NULL,
                "sku" character varying(64) NOT NULL,
                "quantity" integer NOT NULL,
                "unit_price_minor" bigint NOT NULL,
                CONSTRAINT "CHK_reservation_items_unit_price" CHECK ("unit_price_minor" >= 0),
                CONSTRAINT "CHK_reservation_items_quantity" CHECK ("quantity" > 0),
                CONSTRAINT "PK_405d37157eeb1c8c193fcfdfaf7" PRIMARY KEY ("reservation_id", "variant_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_reservation_items_variant" ON "reservation_items" ("variant_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "stock_movements" (
                "id" BIGSERIAL NOT NULL,
                "variant_id" integer NOT NULL,
                "reason" character varying(16) NOT NULL,
                "delta" integer NOT NULL,
                "reserved_delta" integer NOT NULL DEFAULT '0',
                "on_hand_after" integer NOT NULL,
                "reserved_after" integer NOT NULL,
                "reservation_id" uuid,
                "actor" character varying(200),
                "note" character varying(500),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_stock_movements_reason" CHECK (
                    "reason" IN (
                        'RESTOCK',
                        'RETURN',
                        'DAMAGE',
                        'ADJUSTMENT',
                        'COUNT',
                        'RESERVE',
                        'SALE',
                        'CANCEL',
                        'EXPIRE'
                    )
                ),
                CONSTRAINT "PK_57a26b190618550d8e65fb860e7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_stock_movements_reservation" ON "stock_movements" ("reservation_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_stock_movements_variant" ON "stock_movements" ("variant_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "reservation_items"
            ADD CONSTRAINT "FK_reservation_items_reservation" FOREIGN KEY ("reservation_id") REFERENCES "reservations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "reservation_items"
            ADD CONSTRAINT "FK_reservation_items_stock_level" FOREIGN KEY ("variant_id") REFERENCES "stock_levels"("variant_id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements"
            ADD CONSTRAINT "FK_stock_movements_stock_level" FOREIGN KEY ("variant_id") REFERENCES "stock_levels"("variant_id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements"
            ADD CONSTRAINT "FK_stock_movements_reservation" FOREIGN KEY ("reservation_id") REFERENCES "reservations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "stock_movements" DROP CONSTRAINT "FK_stock_movements_reservation"
        `);
    await queryRunner.query(`
            ALTER TABLE "stock_movements" DROP CONSTRAINT "FK_stock_movements_stock_level"
        `);
    await queryRunner.query(`
            ALTER TABLE "reservation_items" DROP CONSTRAINT "FK_reservation_items_stock_level"
        `);
    await queryRunner.query(`
            ALTER TABLE "reservation_items" DROP CONSTRAINT "FK_reservation_items_reservation"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_stock_movements_variant"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_stock_movements_reservation"
        `);
    await queryRunner.query(`
            DROP TABLE "stock_movements"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_reservation_items_variant"
        `);
    await queryRunner.query(`
            DROP TABLE "reservation_items"
        `);
    await queryRunner.query(`
            DROP TABLE "stock_levels"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_reservations_active_expiry"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_reservations_owner"
        `);
    await queryRunner.query(`
            DROP TABLE "reservations"
        `);
  }
}
