import { CustomerTier } from '../shared/auth';
import { Money } from '../shared/money';

/** The stages of the chain, in the order they apply; a rule's kind is its stage. */
export const RULE_KINDS = ['SCHEDULE', 'STOCK_LEVEL', 'QUANTITY', 'CUSTOMER_TIER'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** From the most specific scope to the least. */
export const SCOPE_TYPES = ['VARIANT', 'PRODUCT', 'CATEGORY', 'GLOBAL'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

export const EFFECT_TYPES = ['PERCENT_OFF', 'PERCENT_MARKUP', 'AMOUNT_OFF', 'FIXED_PRICE'] as const;
export type EffectType = (typeof EFFECT_TYPES)[number];
export type PercentEffectType = Extract<EffectType, 'PERCENT_OFF' | 'PERCENT_MARKUP'>;
export type AmountEffectType = Extract<EffectType, 'AMOUNT_OFF' | 'FIXED_PRICE'>;

/** Largest percentage of each percent effect, in basis points (1 % = 100 bp). */
export const MAX_PERCENT_BASIS_POINTS: Record<PercentEffectType, number> = {
  PERCENT_OFF: 10_000,
  PERCENT_MARKUP: 100_000,
};

/** Quantities a quote accepts; a volume break above the largest could never apply. */
export const MAX_QUOTE_QUANTITY = 10_000;

export type RuleScope = { type: 'GLOBAL'; id: null } | { type: Exclude<ScopeType, 'GLOBAL'>; id: number };

export type RuleEffect = { type: PercentEffectType; basisPoints: number } | { type: AmountEffectType; amount: Money };

export interface ScheduleCondition {
  /** Inclusive. */
  startsAt: Date;
  /** Exclusive. */
  endsAt: Date;
}

export interface StockLevelCondition {
  /** The rule applies while available stock is at or below this. */
  maxAvailable: number;
}

export interface QuantityCondition {
  minQuantity: number;
}

export interface CustomerTierCondition {
  tier: CustomerTier;
}

export type RuleCondition =
  | { kind: 'SCHEDULE'; condition: ScheduleCondition }
  | { kind: 'STOCK_LEVEL'; condition: StockLevelCondition }
  | { kind: 'QUANTITY'; condition: QuantityCondition }
  | { kind: 'CUSTOMER_TIER'; condition: CustomerTierCondition };

/** What every rule has besides its kind and condition. */
export interface RuleBase {
  name: string;
  scope: RuleScope;
  effect: RuleEffect;
  priority: number;
  stackable: boolean;
  active: boolean;
}

/** A rule as written by an admin, before it has an id. */
export type RuleDefinition = RuleBase & RuleCondition;

/** A stored rule as the price engine sees it: plain data, not the PricingRule entity. */
export type Rule = RuleDefinition & { id: number };

/** A rule as the admin routes show it: the rule and when it was written. */
export type StoredRule = Rule & { createdAt: Date; updatedAt: Date };
