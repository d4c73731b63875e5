import { MigrationInterface, QueryRunner } from 'typeorm';

export class PricingRules1795501376339 implements MigrationInterface {
  name = 'PricingRules1795501376339';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // scope_id names a category, product or variant depending on scope_type, so it has
    // no foreign key; the service checks the target exists when a rule is written.
    // A CHECK passes when its expression is NULL: each needed column is tested with
    // IS NOT NULL and every CASE ends in ELSE false.
    await queryRunner.query(`
            CREATE TABLE "pricing_rules" (
                "id" SERIAL NOT NULL,
                "name" character varying(120) NOT NULL,
                "kind" character varying(20) NOT NULL,
                "scope_type" character varying(20) NOT NULL,
                "scope_id" integer,
                "starts_at" TIMESTAMP WITH TIME ZONE,
                "ends_at" TIMESTAMP WITH TIME ZONE,
                "max_available" integer,
                "min_quantity" integer,
                "tier" character varying(20),
                "effect_type" character varying(20) NOT NULL,
                "effect_basis_points" integer,
                "effect_amount_minor" bigint,
                "priority" integer NOT NULL DEFAULT '0',
                "stackable" boolean NOT NULL DEFAULT true,
                "active" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_pricing_rules_kind" CHECK (
                    "kind" IN ('SCHEDULE', 'STOCK_LEVEL', 'QUANTITY', 'CUSTOMER_TIER')
                ),
                CONSTRAINT "CHK_pricing_rules_scope" CHECK (
                    CASE "scope_type"
                        WHEN 'GLOBAL' THEN "scope_id" IS NULL
                        WHEN 'CATEGORY' THEN "scope_id" IS NOT NULL AND "scope_id" >= 1
                        WHEN 'PRODUCT' THEN "scope_id" IS NOT NULL AND "scope_id" >= 1
                        WHEN 'VARIANT' THEN "scope_id" IS NOT NULL AND "scope_id" >= 1
                        ELSE false
                    END
                ),
                CONSTRAINT "CHK_pricing_rules_condition" CHECK (
                    CASE "kind"
                        WHEN 'SCHEDULE' THEN "starts_at" IS NOT NULL AND "ends_at" IS NOT NULL AND "starts_at" < "ends_at"
                            AND "max_available" IS NULL AND "min_quantity" IS NULL AND "tier" IS NULL
                        WHEN 'STOCK_LEVEL' THEN "max_available" IS NOT NULL AND "max_available" >= 0
                            AND "starts_at" IS NULL AND "ends_at" IS NULL AND "min_quantity" IS NULL AND "tier" IS NULL
                        WHEN 'QUANTITY' THEN "min_quantity" IS NOT NULL AND "min_quantity" >= 1
                            AND "starts_at" IS NULL AND "ends_at" IS NULL AND "max_available" IS NULL AND "tier" IS NULL
                        WHEN 'CUSTOMER_TIER' THEN "tier" IS NOT NULL AND "tier" IN ('STANDARD', 'SILVER', 'GOLD', 'PLATINUM')
                            AND "starts_at" IS NULL AND "ends_at" IS NULL AND "max_available" IS NULL AND "min_quantity" IS NULL
                        ELSE false
                    END
                ),
                CONSTRAINT "CHK_pricing_rules_effect" CHECK (
                    CASE "effect_type"
                        WHEN 'PERCENT_OFF' THEN "effect_basis_points" IS NOT NULL AND "effect_basis_points" BETWEEN 0 AND 10000
                            AND "effect_amount_minor" IS NULL
                        WHEN 'PERCENT_MARKUP' THEN "effect_basis_points" IS NOT NULL AND "effect_basis_points" BETWEEN 0 AND 100000
                            AND "effect_amount_minor" IS NULL
                        WHEN 'AMOUNT_OFF' THEN "effect_amount_minor" IS NOT NULL AND "effect_amount_minor" BETWEEN 0 AND 9999999999
                            AND "effect_basis_points" IS NULL
                        WHEN 'FIXED_PRICE' THEN "effect_amount_minor" IS NOT NULL AND "effect_amount_minor" BETWEEN 0 AND 9999999999
                            AND "effect_basis_points" IS NULL
                        ELSE false
                    END
                ),
                CONSTRAINT "PK_fda27bb8db4630894decda61ff6" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "pricing_rules"
        `);
  }
}
