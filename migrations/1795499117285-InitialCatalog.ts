import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialCatalog1795499117285 implements MigrationInterface {
  name = 'InitialCatalog1795499117285';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "categories" (
                "id" SERIAL NOT NULL,
                "name" character varying(120) NOT NULL,
                "description" text,
                "parent_id" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "CHK_categories_not_own_parent" CHECK (
                    "parent_id" IS NULL
                    OR "parent_id" <> "id"
                ),
                CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_categories_parent_id" ON "categories" ("parent_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "products" (
                "id" SERIAL NOT NULL,
                "name" character varying(200) NOT NULL,
                "description" text,
                "category_id" integer NOT NULL,
                "base_price_minor" bigint NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "CHK_products_base_price_range" CHECK (
                    "base_price_minor" >= 0
                    AND "base_price_minor" <= 9999999999
                ),
                CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_products_category_id" ON "products" ("category_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "variants" (
                "id" SERIAL NOT NULL,
                "product_id" integer NOT NULL,
                "sku" character varying(64) NOT NULL,
                "price_adjustment_minor" bigint NOT NULL DEFAULT '0',
                "attributes" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "CHK_variants_price_adjustment_range" CHECK (
                    "price_adjustment_minor" >= 0
                    AND "price_adjustment_minor" <= 9999999999
                ),
                CONSTRAINT "CHK_variants_sku_format" CHECK ("sku" ~ '^[A-Za-z0-9._-]{1,64}$'),
                CONSTRAINT "PK_672d13d1a6de0197f20c6babb5e" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_variants_product_id" ON "variants" ("product_id")
        `);
    // Sibling names are unique case-insensitively among live categories; COALESCE
    // makes roots (parent NULL) siblings of each other.
    await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_categories_sibling_name" ON "categories" (COALESCE("parent_id", 0), lower("name"))
            WHERE "deleted_at" IS NULL
        `);
    // A SKU identifies one live variant, whatever its letter case.
    await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_variants_sku" ON "variants" (lower("sku")) WHERE "deleted_at" IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "categories"
            ADD CONSTRAINT "FK_categories_parent" FOREIGN KEY ("parent_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "products"
            ADD CONSTRAINT "FK_products_category" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "variants"
            ADD CONSTRAINT "FK_variants_product" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "variants" DROP CONSTRAINT "FK_variants_product"
        `);
    await queryRunner.query(`
            ALTER TABLE "products" DROP CONSTRAINT "FK_products_category"
        `);
    await queryRunner.query(`
            ALTER TABLE "categories" DROP CONSTRAINT "FK_categories_parent"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."UQ_variants_sku"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."UQ_categories_sibling_name"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_variants_product_id"
        `);
    await queryRunner.query(`
            DROP TABLE "variants"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_products_category_id"
        `);
    await queryRunner.query(`
            DROP TABLE "products"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_categories_parent_id"
        `);
    await queryRunner.query(`
            DROP TABLE "categories"
        `);
  }
}
