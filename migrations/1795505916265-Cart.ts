import { MigrationInterface, QueryRunner } from 'typeorm';

export class Cart1795505916265 implements MigrationInterface {
  name = 'Cart1795505916265';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "carts" (
                "id" uuid NOT NULL,
                "customer_id" character varying(200) NOT NULL,
                "status" character varying(16) NOT NULL,
                "reservation_id" uuid,
                "version" integer NOT NULL DEFAULT '0',
                "checked_out_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_carts_reservation_when_checked_out" CHECK (
                    ("status" = 'CHECKED_OUT') = ("reservation_id" IS NOT NULL)
                ),
                CONSTRAINT "CHK_carts_status" CHECK ("status" IN ('ACTIVE', 'CHECKED_OUT')),
                CONSTRAINT "PK_b5f695a59f5ebb50af3c8160816" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_carts_active_customer" ON "carts" ("customer_id")
            WHERE "status" = 'ACTIVE'
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_carts_customer_created" ON "carts" ("customer_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "cart_items" (
                "id" uuid NOT NULL,
                "cart_id" uuid NOT NULL,
                "variant_id" integer NOT NULL,
                "sku" character varying(64) NOT NULL,
                "product_name" character varying(200) NOT NULL,
                "quantity" integer NOT NULL,
                "unit_price_minor" bigint NOT NULL,
                "base_price_minor" bigint NOT NULL,
                "tier" character varying(16) NOT NULL,
                "applied_rules" jsonb NOT NULL,
                "priced_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_cart_items_cart_variant" UNIQUE ("cart_id", "variant_id"),
                CONSTRAINT "CHK_cart_items_prices" CHECK (
                    "unit_price_minor" >= 0
                    AND "base_price_minor" >= 0
                ),
                CONSTRAINT "CHK_cart_items_tier" CHECK (
                    "tier" IN ('STANDARD', 'SILVER', 'GOLD', 'PLATINUM')
                ),
                CONSTRAINT "CHK_cart_items_quantity" CHECK (
                    "quantity" BETWEEN 1 AND 10000
                ),
                CONSTRAINT "PK_6fccf5ec03c172d27a28a82928b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "customer_id" character varying(200) NOT NULL,
                "key" character varying(255) NOT NULL,
                "fingerprint" character(64) NOT NULL,
                "response_status" integer,
                "response_body" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_8def8c4af8dfb100aa73364f0ac" PRIMARY KEY ("customer_id", "key")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_idempotency_keys_created_at" ON "idempotency_keys" ("created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "cart_items"
            ADD CONSTRAINT "FK_cart_items_cart" FOREIGN KEY ("cart_id") REFERENCES "carts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "cart_items" DROP CONSTRAINT "FK_cart_items_cart"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_idempotency_keys_created_at"
        `);
    await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    await queryRunner.query(`
            DROP TABLE "cart_items"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_carts_customer_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."UQ_carts_active_customer"
        `);
    await queryRunner.query(`
            DROP TABLE "carts"
        `);
  }
}
