import { CustomerTier } from '../shared/auth';
import { MAX_MONEY_MINOR, Money } from '../shared/money';
import { Rule, RULE_KINDS, RuleEffect, RuleKind } from './rule';

/** Everything the engine needs to know about one line; the service looks it up. */
export interface PriceInput {
  /** The list price: product base price + variant adjustment. */
  basePrice: Money;
  variantId: number;
  productId: number;
  /** The product's category first, then each ancestor up to the root. */
  categoryPath: readonly number[];
  quantity: number;
  tier: CustomerTier;
  now: Date;
  /** Available stock, or undefined when it was not looked up (then no stock-level rule holds). */
  available: number | undefined;
}

export interface AppliedRule {
  ruleId: number;
  name: string;
  kind: RuleKind;
  before: Money;
  after: Money;
}

/** Why a rule was applied or skipped; stable codes for clients, `detail` for people. */
export const CONSIDERED_REASONS = [
  'APPLIED',
  'INACTIVE',
  'OUT_OF_WINDOW',
  'CONDITION_NOT_MET',
  'OUTRANKED',
  'NOT_STACKABLE',
] as const;
export type ConsideredReason = (typeof CONSIDERED_REASONS)[number];

export interface ConsideredRule {
  ruleId: number;
  name: string;
  kind: RuleKind;
  outcome: 'APPLIED' | 'SKIPPED';
  reason: ConsideredReason;
  /** The rule that outranked this one or ended the chain before it; null otherwise. */
  byRuleId: number | null;
  detail: string;
}

export interface PriceResult {
  basePrice: Money;
  unitPrice: Money;
  totalPrice: Money;
  /** basePrice x quantity - totalPrice; negative when markups raised the price. */
  savings: Money;
  appliedRules: AppliedRule[];
  /** Only with `explain`: every rule whose scope covers the variant, stage by stage, best ranked first. */
  considered?: ConsideredRule[];
}

const BASIS_POINTS_PER_UNIT = 10_000;
const MAX_PRICE = Money.ofMinor(MAX_MONEY_MINOR);

/**
 * Prices one line: the rule hierarchy of API.md as a pure function. Rules whose scope
 * does not cover the variant are ignored (and not listed when explaining).
 */
export function computePrice(
  input: PriceInput,
  rules: readonly Rule[],
  options: { explain?: boolean } = {},
): PriceResult {
  const ranked = rules
    .map((rule) => ({ rule, specificity: scopeSpecificity(rule, input) }))
    .filter((entry): entry is RankedRule => entry.specificity !== null)
    .sort(compareRank);

  let price = input.basePrice;
  let chainEndedBy: Rule | null = null;
  const appliedRules: AppliedRule[] = [];
  const considered: ConsideredRule[] = [];

  for (const kind of RULE_KINDS) {
    let winner: Rule | null = null;
    for (const { rule } of ranked.filter((entry) => entry.rule.kind === kind)) {
      const ineligibility = whyIneligible(rule, input);
      if (ineligibility) {
        considered.push(skipped(rule, ineligibility.reason, null, ineligibility.detail));
      } else if (chainEndedBy) {
        const detail = `not stackable after rule ${chainEndedBy.id}`;
        considered.push(skipped(rule, 'NOT_STACKABLE', chainEndedBy.id, detail));
      } else if (winner) {
        considered.push(skipped(rule, 'OUTRANKED', winner.id, `outranked by rule ${winner.id}`));
      } else {
        winner = rule;
        const after = applyEffect(price, rule.effect);
        appliedRules.push({ ruleId: rule.id, name: rule.name, kind: rule.kind, before: price, after });
        const detail = `applied: ${price.format()} -> ${after.format()}`;
        considered.push({ ...identify(rule), outcome: 'APPLIED', reason: 'APPLIED', byRuleId: null, detail });
        price = after;
      }
    }
    if (winner && !winner.stackable) chainEndedBy = winner;
  }

  const totalPrice = price.times(input.quantity);
  return {
    basePrice: input.basePrice,
    unitPrice: price,
    totalPrice,
    savings: input.basePrice.times(input.quantity).minus(totalPrice),
    appliedRules,
    ...(options.explain ? { considered } : {}),
  };
}

interface RankedRule {
  rule: Rule;
  specificity: number;
}

/**
 * How specific the rule's scope is for this variant (lower wins): variant 0, product 1,
 * then the categories from the product's own (2) up to the root, then global. Null when
 * the scope does not cover the variant.
 */
export function scopeSpecificity(rule: Rule, input: Pick<PriceInput, 'variantId' | 'productId' | 'categoryPath'>) {
  const { scope } = rule;
  switch (scope.type) {
    case 'VARIANT':
      return scope.id === input.variantId ? 0 : null;
    case 'PRODUCT':
      return scope.id === input.productId ? 1 : null;
    case 'CATEGORY': {
      const index = input.categoryPath.indexOf(scope.id);
      return index === -1 ? null : 2 + index;
    }
    case 'GLOBAL':
      return 2 + input.categoryPath.length;
  }
}

/** Specificity, then higher priority, then (volume breaks) larger minimum, then lower id. */
function compareRank(a: RankedRule, b: RankedRule): number {
  return (
    a.specificity - b.specificity ||
    b.rule.priority - a.rule.priority ||
    minQuantityOf(b.rule) - minQuantityOf(a.rule) ||
    a.rule.id - b.rule.id
  );
}

function minQuantityOf(rule: Rule): number {
  return rule.kind === 'QUANTITY' ? rule.condition.minQuantity : 0;
}

function whyIneligible(rule: Rule, input: PriceInput): { reason: ConsideredReason; detail: string } | null {
  if (!rule.active) return { reason: 'INACTIVE', detail: 'inactive' };
  switch (rule.kind) {
    case 'SCHEDULE': {
      const { startsAt, endsAt } = rule.condition;
      const now = input.now.getTime();
      if (now >= startsAt.getTime() && now < endsAt.getTime()) return null;
      const window = `${startsAt.toISOString()} to ${endsAt.toISOString()}`;
      return { reason: 'OUT_OF_WINDOW', detail: `out of window: ${window} (end exclusive)` };
    }
    case 'STOCK_LEVEL': {
      const { maxAvailable } = rule.condition;
      if (input.available === undefined) return notMet('available stock is unknown');
      if (input.available <= maxAvailable) return null;
      return notMet(`available stock ${input.available} is above ${maxAvailable}`);
    }
    case 'QUANTITY': {
      const { minQuantity } = rule.condition;
      return input.quantity >= minQuantity ? null : notMet(`quantity ${input.quantity} is below ${minQuantity}`);
    }
    case 'CUSTOMER_TIER': {
      const { tier } = rule.condition;
      return input.tier === tier ? null : notMet(`tier ${input.tier} is not ${tier}`);
    }
  }
}

function notMet(why: string): { reason: ConsideredReason; detail: string } {
  return { reason: 'CONDITION_NOT_MET', detail: `condition not met: ${why}` };
}

/**
 * One step of the chain, rounded half-up to the cent (the resulting price is what gets
 * rounded, so 50 % off 0.01 is 0.01). A price never goes below 0.00, and a markup never
 * lifts it above 99,999,999.99, the largest amount the API handles (so a total of 10,000
 * units stays an exact integer).
 */
export function applyEffect(price: Money, effect: RuleEffect): Money {
  switch (effect.type) {
    case 'PERCENT_OFF':
      return price.percentage(BASIS_POINTS_PER_UNIT - effect.basisPoints).clampToZero();
    case 'PERCENT_MARKUP': {
      const raised = price.percentage(BASIS_POINTS_PER_UNIT + effect.basisPoints);
      if (raised.compare(MAX_PRICE) <= 0) return raised;
      // A list price above the ceiling (base + adjustment) is kept, never raised further.
      return price.compare(MAX_PRICE) > 0 ? price : MAX_PRICE;
    }
    case 'AMOUNT_OFF':
      return price.minus(effect.amount).clampToZero();
    case 'FIXED_PRICE':
      return effect.amount;
  }
}

function identify(rule: Rule): Pick<ConsideredRule, 'ruleId' | 'name' | 'kind'> {
  return { ruleId: rule.id, name: rule.name, kind: rule.kind };
}

function skipped(rule: Rule, reason: ConsideredReason, byRuleId: number | null, detail: string): ConsideredRule {
  return { ...identify(rule), outcome: 'SKIPPED', reason, byRuleId, detail };
}
