import { CustomerTier } from '../shared/auth';
import { FieldError, ValidationFailedError } from '../shared/errors';
import { Money } from '../shared/money';
import { formatPercent, parsePercent } from './percent';
import {
  EffectType,
  MAX_PERCENT_BASIS_POINTS,
  RuleCondition,
  RuleDefinition,
  RuleEffect,
  RuleKind,
  RuleScope,
  ScopeType,
} from './rule';

/** The condition fields of every kind; a rule may set only those of its own kind. */
export const CONDITION_FIELDS: Record<RuleKind, readonly (keyof RuleConditionInput)[]> = {
  SCHEDULE: ['startsAt', 'endsAt'],
  STOCK_LEVEL: ['maxAvailable'],
  QUANTITY: ['minQuantity'],
  CUSTOMER_TIER: ['tier'],
};

export interface RuleConditionInput {
  startsAt?: string;
  endsAt?: string;
  maxAvailable?: number;
  minQuantity?: number;
  tier?: CustomerTier;
}

/**
 * A rule as the API receives it, once the DTO has checked each field's own shape:
 * what is left to check is how the fields fit together.
 */
export interface RuleInput {
  name: string;
  kind: RuleKind;
  scope: { type: ScopeType; id?: number | null };
  condition: RuleConditionInput;
  effect: { type: EffectType; value: unknown };
  priority: number;
  stackable: boolean;
  active: boolean;
}

/**
 * Checks the combination of kind, condition, scope and effect and returns the typed
 * rule; throws VALIDATION_FAILED naming every field that does not fit (e.g.
 * `condition.minQuantity` on a QUANTITY rule without one).
 */
export function parseRuleDefinition(input: RuleInput): RuleDefinition {
  const errors: FieldError[] = [];
  const scope = parseScope(input.scope, errors);
  const condition = parseCondition(input.kind, input.condition, errors);
  const effect = parseEffect(input.effect, errors);
  if (errors.length > 0 || !scope || !condition || !effect) {
    throw new ValidationFailedError(errors.map((error) => error.message).join('; '), errors);
  }
  const { name, priority, stackable, active } = input;
  return { name, priority, stackable, active, scope, effect, ...condition };
}

/** The stored rule written back as input, so a PATCH can be merged over it and checked whole. */
export function toRuleInput(rule: RuleDefinition): RuleInput {
  return {
    name: rule.name,
    kind: rule.kind,
    scope: { type: rule.scope.type, id: rule.scope.id },
    condition: conditionInputOf(rule),
    effect: { type: rule.effect.type, value: effectValueOf(rule.effect) },
    priority: rule.priority,
    stackable: rule.stackable,
    active: rule.active,
  };
}

export function conditionInputOf(rule: RuleCondition): RuleConditionInput {
  switch (rule.kind) {
    case 'SCHEDULE':
      return { startsAt: rule.condition.startsAt.toISOString(), endsAt: rule.condition.endsAt.toISOString() };
    case 'STOCK_LEVEL':
      return { maxAvailable: rule.condition.maxAvailable };
    case 'QUANTITY':
      return { minQuantity: rule.condition.minQuantity };
    case 'CUSTOMER_TIER':
      return { tier: rule.condition.tier };
  }
}

/** An effect's value as the API answers it: "10.00" for 10 %, "50.00" for an amount. */
export function effectValueOf(effect: RuleEffect): string {
  return 'basisPoints' in effect ? formatPercent(effect.basisPoints) : effect.amount.format();
}

function parseScope(scope: RuleInput['scope'], errors: FieldError[]): RuleScope | null {
  const id = scope.id ?? null;
  if (scope.type === 'GLOBAL') {
    if (id === null) return { type: 'GLOBAL', id: null };
    errors.push({ field: 'scope.id', message: 'scope.id must be omitted (or null) for a GLOBAL scope' });
    return null;
  }
  if (id !== null) return { type: scope.type, id };
  const target = scope.type.toLowerCase();
  errors.push({ field: 'scope.id', message: `scope.id is required for a ${scope.type} scope (the ${target} id)` });
  return null;
}

function parseCondition(kind: RuleKind, input: RuleConditionInput, errors: FieldError[]): RuleCondition | null {
  const before = errors.length;
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined && !CONDITION_FIELDS[kind].includes(field as keyof RuleConditionInput)) {
      const expected = CONDITION_FIELDS[kind].join(' and ');
      const message = `condition.${field} is not a condition of a ${kind} rule (it takes ${expected})`;
      errors.push({ field: `condition.${field}`, message });
    }
  }
  for (const field of CONDITION_FIELDS[kind]) {
    if (input[field] === undefined) {
      errors.push({ field: `condition.${field}`, message: `condition.${field} is required for a ${kind} rule` });
    }
  }
  if (errors.length > before) return null;

  switch (kind) {
    case 'SCHEDULE': {
      const startsAt = new Date(input.startsAt as string);
      const endsAt = new Date(input.endsAt as string);
      if (!(startsAt.getTime() < endsAt.getTime())) {
        errors.push({ field: 'condition.endsAt', message: 'condition.endsAt must be later than condition.startsAt' });
        return null;
      }
      return { kind, condition: { startsAt, endsAt } };
    }
    case 'STOCK_LEVEL':
      return { kind, condition: { maxAvailable: input.maxAvailable as number } };
    case 'QUANTITY':
      return { kind, condition: { minQuantity: input.minQuantity as number } };
    case 'CUSTOMER_TIER':
      return { kind, condition: { tier: input.tier as CustomerTier } };
  }
}

function parseEffect(effect: RuleInput['effect'], errors: FieldError[]): RuleEffect | null {
  switch (effect.type) {
    case 'PERCENT_OFF':
    case 'PERCENT_MARKUP': {
      const max = MAX_PERCENT_BASIS_POINTS[effect.type];
      const basisPoints = parsePercent(effect.value);
      if (basisPoints !== null && basisPoints <= max) return { type: effect.type, basisPoints };
      const message = `effect.value of ${effect.type} must be a percentage from 0 to ${max / 100} with at most two decimals`;
      errors.push({ field: 'effect.value', message });
      return null;
    }
    case 'AMOUNT_OFF':
    case 'FIXED_PRICE': {
      const amount = Money.tryParse(effect.value);
      if (amount) return { type: effect.type, amount };
      const message = `effect.value of ${effect.type} must be an amount from 0 to 99999999.99 with at most two decimals`;
      errors.push({ field: 'effect.value', message });
      return null;
    }
  }
}
