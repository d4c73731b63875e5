import type { Schemas } from '../../api/client';

export type Rule = Schemas['PricingRuleDto'];
export type RuleKind = Schemas['PricingRuleKind'];
export type ScopeType = Schemas['PricingScopeType'];
export type EffectType = Schemas['PricingEffectType'];
export type CustomerTier = Schemas['CustomerTier'];
export type ConditionField = keyof Schemas['RuleConditionInputDto'];

// Records keyed by the generated enums, so that a value the API adds fails to compile here.
const KIND_FIELDS: Record<RuleKind, ConditionField[]> = {
  SCHEDULE: ['startsAt', 'endsAt'],
  STOCK_LEVEL: ['maxAvailable'],
  QUANTITY: ['minQuantity'],
  CUSTOMER_TIER: ['tier'],
};
const SCOPES: Record<ScopeType, true> = { VARIANT: true, PRODUCT: true, CATEGORY: true, GLOBAL: true };
const EFFECTS: Record<EffectType, (value: string) => string> = {
  PERCENT_OFF: (value) => `${value} % off`,
  PERCENT_MARKUP: (value) => `+${value} %`,
  AMOUNT_OFF: (value) => `${value} off`,
  FIXED_PRICE: (value) => `fixed at ${value}`,
};
const TIERS: Record<CustomerTier, true> = { STANDARD: true, SILVER: true, GOLD: true, PLATINUM: true };

/** In the order the price engine runs its stages. */
export const RULE_KINDS = Object.keys(KIND_FIELDS) as RuleKind[];
export const SCOPE_TYPES = Object.keys(SCOPES) as ScopeType[];
export const EFFECT_TYPES = Object.keys(EFFECTS) as EffectType[];
export const CUSTOMER_TIERS = Object.keys(TIERS) as CustomerTier[];

/** The condition fields a rule of this kind takes (the form shows only these). */
export const conditionFieldsOf = (kind: RuleKind): ConditionField[] => KIND_FIELDS[kind];

export const effectText = (effect: Rule['effect']): string => EFFECTS[effect.type](effect.value);

export const scopeText = (scope: Rule['scope']): string =>
  scope.id === null ? scope.type : `${scope.type} ${scope.id}`;

/** A datetime-local value (the reader's local time) as an ISO instant with Z; what is not a date goes as typed. */
export function isoOfLocal(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** An ISO instant as a datetime-local value in the reader's local time. */
export function localOfIso(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const two = (value: number) => String(value).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const seconds = date.getSeconds() === 0 ? '' : `:${two(date.getSeconds())}`;
  return `${day}T${two(date.getHours())}:${two(date.getMinutes())}${seconds}`;
}

/** A number input's value: empty is left out, so that the API's default or its message applies. */
export function numberOf(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}

/** The attributes tying an input to the API's message about it. */
export function describedBy(id: string, message: string | undefined) {
  return {
    id,
    'aria-describedby': message ? `${id}-error` : undefined,
    'aria-invalid': message ? true : undefined,
  };
}
