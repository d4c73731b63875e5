export { PricingModule } from './pricing.module';
export { PricingService } from './pricing.service';
export type { PriceQuote, QuoteLine, QuoteOptions } from './pricing.service';
export type { AppliedRule, ConsideredReason, ConsideredRule } from './price-engine';
export { RULE_KINDS } from './rule';
export type { RuleKind } from './rule';
export { UnknownVariantsError } from './pricing.errors';
export { PRICING_EVENTS } from './pricing-events';
