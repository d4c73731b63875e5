export { PricingModule } from './pricing.module';
export { PricingService } from './pricing.service';
export type { PriceQuote, QuoteLine, QuoteOptions } from './pricing.service';
export type { AppliedRule, ConsideredReason, ConsideredRule } from './price-engine';
export type { RuleKind } from './price-rule';
export { UnknownVariantsError } from './pricing.errors';
export { AppliedRuleDto } from './dto/quote.dto';
