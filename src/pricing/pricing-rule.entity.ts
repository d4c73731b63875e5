import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CustomerTier } from '../shared/auth';
import { Money, moneyColumnTransformer } from '../shared/money';
import {
  EffectType,
  StoredRule,
  RuleBase,
  RuleCondition,
  RuleDefinition,
  RuleEffect,
  RuleKind,
  RuleScope,
  ScopeType,
} from './rule';

/**
 * One row per rule. The condition and effect columns of other kinds stay NULL; the
 * checks keep every row a rule the engine can evaluate, whatever wrote it. Rules are
 * configuration, so a delete removes the row (quotes and cart snapshots keep their names).
 */
@Entity('pricing_rules')
// A CHECK passes when its expression is NULL, so every column a kind needs is tested
// with IS NOT NULL and each CASE ends in ELSE false.
@Check('CHK_pricing_rules_kind', `"kind" IN ('SCHEDULE', 'STOCK_LEVEL', 'QUANTITY', 'CUSTOMER_TIER')`)
@Check(
  'CHK_pricing_rules_scope',
  `CASE "scope_type"
     WHEN 'GLOBAL' THEN "scope_id" IS NULL
     WHEN 'CATEGORY' THEN "scope_id" IS NOT NULL AND "scope_id" >= 1
     WHEN 'PRODUCT' THEN "scope_id" IS NOT NULL AND "scope_id" >= 1
     WHEN 'VARIANT' THEN "scope_id" IS NOT NULL AND "scope_id" >= 1
     ELSE false
   END`,
)
@Check(
  'CHK_pricing_rules_condition',
  `CASE "kind"
     WHEN 'SCHEDULE' THEN "starts_at" IS NOT NULL AND "ends_at" IS NOT NULL AND "starts_at" < "ends_at"
       AND "max_available" IS NULL AND "min_quantity" IS NULL AND "tier" IS NULL
     WHEN 'STOCK_LEVEL' THEN "max_available" IS NOT NULL AND "max_available" >= 0
       AND "starts_at" IS NULL AND "ends_at" IS NULL AND "min_quantity" IS NULL AND "tier" IS NULL
     WHEN 'QUANTITY' THEN "min_quantity" IS NOT NULL AND "min_quantity" >= 1
       AND "starts_at" IS NULL AND "ends_at" IS NULL AND "max_available" IS NULL AND "tier" IS NULL
     WHEN 'CUSTOMER_TIER' THEN "tier" IS NOT NULL AND "tier" IN ('STANDARD', 'SILVER', 'GOLD', 'PLATINUM')
       AND "starts_at" IS NULL AND "ends_at" IS NULL AND "max_available" IS NULL AND "min_quantity" IS NULL
     ELSE false
   END`,
)
@Check(
  'CHK_pricing_rules_effect',
  `CASE "effect_type"
     WHEN 'PERCENT_OFF' THEN "effect_basis_points" IS NOT NULL AND "effect_basis_points" BETWEEN 0 AND 10000
       AND "effect_amount_minor" IS NULL
     WHEN 'PERCENT_MARKUP' THEN "effect_basis_points" IS NOT NULL AND "effect_basis_points" BETWEEN 0 AND 100000
       AND "effect_amount_minor" IS NULL
     WHEN 'AMOUNT_OFF' THEN "effect_amount_minor" IS NOT NULL AND "effect_amount_minor" BETWEEN 0 AND 9999999999
       AND "effect_basis_points" IS NULL
     WHEN 'FIXED_PRICE' THEN "effect_amount_minor" IS NOT NULL AND "effect_amount_minor" BETWEEN 0 AND 9999999999
       AND "effect_basis_points" IS NULL
     ELSE false
   END`,
)
export class PricingRule {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: RuleKind;

  @Column({ name: 'scope_type', type: 'varchar', length: 20 })
  scopeType!: ScopeType;

  /** A category, product or variant id; no foreign key, as the catalog is another module's. */
  @Column({ name: 'scope_id', type: 'integer', nullable: true })
  scopeId!: number | null;

  @Column({ name: 'starts_at', type: 'timestamptz', nullable: true })
  startsAt!: Date | null;

  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true })
  endsAt!: Date | null;

  @Column({ name: 'max_available', type: 'integer', nullable: true })
  maxAvailable!: number | null;

  @Column({ name: 'min_quantity', type: 'integer', nullable: true })
  minQuantity!: number | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  tier!: CustomerTier | null;

  @Column({ name: 'effect_type', type: 'varchar', length: 20 })
  effectType!: EffectType;

  /** Percent effects: 1,000 bp = 10 %. */
  @Column({ name: 'effect_basis_points', type: 'integer', nullable: true })
  effectBasisPoints!: number | null;

  /** Amount effects, in minor units. */
  @Column({ name: 'effect_amount_minor', type: 'bigint', nullable: true, transformer: moneyColumnTransformer })
  effectAmount!: Money | null;

  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'boolean', default: true })
  stackable!: boolean;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The plain rule a row stores, with its timestamps. */
export function storedRuleOf(row: PricingRule): StoredRule {
  return { id: row.id, ...base(row), ...conditionOf(row), createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** Writes a checked definition onto a row, clearing the columns of other kinds. */
export function assignDefinition(row: PricingRule, definition: RuleDefinition): PricingRule {
  row.name = definition.name;
  row.kind = definition.kind;
  row.scopeType = definition.scope.type;
  row.scopeId = definition.scope.id;
  row.startsAt = definition.kind === 'SCHEDULE' ? definition.condition.startsAt : null;
  row.endsAt = definition.kind === 'SCHEDULE' ? definition.condition.endsAt : null;
  row.maxAvailable = definition.kind === 'STOCK_LEVEL' ? definition.condition.maxAvailable : null;
  row.minQuantity = definition.kind === 'QUANTITY' ? definition.condition.minQuantity : null;
  row.tier = definition.kind === 'CUSTOMER_TIER' ? definition.condition.tier : null;
  row.effectType = definition.effect.type;
  row.effectBasisPoints = 'basisPoints' in definition.effect ? definition.effect.basisPoints : null;
  row.effectAmount = 'amount' in definition.effect ? definition.effect.amount : null;
  row.priority = definition.priority;
  row.stackable = definition.stackable;
  row.active = definition.active;
  return row;
}

function base(row: PricingRule): RuleBase {
  const scope: RuleScope =
    row.scopeType === 'GLOBAL' ? { type: 'GLOBAL', id: null } : { type: row.scopeType, id: Number(row.scopeId) };
  return {
    name: row.name,
    scope,
    effect: effectOf(row),
    priority: row.priority,
    stackable: row.stackable,
    active: row.active,
  };
}

// The table's checks guarantee the columns each kind and effect type reads are set.
function conditionOf(row: PricingRule): RuleCondition {
  switch (row.kind) {
    case 'SCHEDULE':
      return { kind: row.kind, condition: { startsAt: row.startsAt as Date, endsAt: row.endsAt as Date } };
    case 'STOCK_LEVEL':
      return { kind: row.kind, condition: { maxAvailable: row.maxAvailable as number } };
    case 'QUANTITY':
      return { kind: row.kind, condition: { minQuantity: row.minQuantity as number } };
    case 'CUSTOMER_TIER':
      return { kind: row.kind, condition: { tier: row.tier as CustomerTier } };
  }
}

function effectOf(row: PricingRule): RuleEffect {
  switch (row.effectType) {
    case 'PERCENT_OFF':
    case 'PERCENT_MARKUP':
      return { type: row.effectType, basisPoints: row.effectBasisPoints as number };
    case 'AMOUNT_OFF':
    case 'FIXED_PRICE':
      return { type: row.effectType, amount: row.effectAmount as Money };
  }
}
