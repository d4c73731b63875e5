import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InventoryService } from '../inventory';
import { CatalogService, VariantView } from '../products';
import { CustomerTier } from '../shared/auth';
import { Env } from '../shared/config';
import { ValidationFailedError } from '../shared/errors';
import { Money } from '../shared/money';
import { AppliedRule, computePrice, ConsideredRule } from './price-engine';
import { MAX_QUOTE_QUANTITY, Rule } from './rule';
import { PricingRulesCache } from './pricing-rules.cache';
import { UnknownVariantsError } from './pricing.errors';

export interface QuoteLine {
  variantId: number;
  quantity: number;
}

export interface QuoteOptions {
  tier: CustomerTier;
  /** The moment the price is for (schedule windows); now when left out. */
  at?: Date;
  /** Adds `considered` to every quote. */
  explain?: boolean;
}

/** The price of one line with its breakdown: a plain read model for controllers and the cart. */
export interface PriceQuote {
  variantId: number;
  sku: string;
  productId: number;
  productName: string;
  quantity: number;
  tier: CustomerTier;
  currency: string;
  basePrice: Money;
  unitPrice: Money;
  totalPrice: Money;
  savings: Money;
  appliedRules: AppliedRule[];
  considered?: ConsideredRule[];
  pricedAt: Date;
}

/** The pricing module's facade: loads each line's inputs, lets the pure engine decide. */
@Injectable()
export class PricingService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly inventory: InventoryService,
    private readonly rules: PricingRulesCache,
    config: ConfigService<Env, true>,
  ) {
    this.currency = config.get('CURRENCY', { infer: true });
  }

  /** The single currency of every price (CURRENCY). */
  readonly currency: string;

  /** Prices one line for a tier at a moment; throws NOT_FOUND for an unknown or deleted variant. */
  async quote(line: QuoteLine, options: QuoteOptions): Promise<PriceQuote> {
    const [quote] = await this.quoteMany([line], options);
    return quote;
  }

  /** Prices many lines at once, in the order given; one unknown variant fails the call (NOT_FOUND lists them all). */
  async quoteMany(lines: readonly QuoteLine[], options: QuoteOptions): Promise<PriceQuote[]> {
    lines.forEach(assertQuantity);
    const at = options.at ?? new Date();
    const variants = await this.catalog.findVariants(lines.map((line) => line.variantId));
    const missing = [...new Set(lines.map((line) => line.variantId).filter((id) => !variants.has(id)))];
    if (missing.length > 0) throw new UnknownVariantsError(missing);

    const rulesByVariant = new Map<number, Rule[]>();
    for (const variant of variants.values()) {
      const target = { variantId: variant.id, productId: variant.productId, categoryPath: variant.categoryPath };
      rulesByVariant.set(variant.id, await this.rules.rulesFor(target));
    }
    const availability = await this.availabilityWhereNeeded(rulesByVariant);
    const currency = this.currency;

    return lines.map((line) => {
      const variant = variants.get(line.variantId) as VariantView;
      const result = computePrice(
        {
          basePrice: variant.basePrice,
          variantId: variant.id,
          productId: variant.productId,
          categoryPath: variant.categoryPath,
          quantity: line.quantity,
          tier: options.tier,
          now: at,
          available: availability.get(variant.id),
        },
        rulesByVariant.get(variant.id) ?? [],
        { explain: options.explain },
      );
      return {
        variantId: variant.id,
        sku: variant.sku,
        productId: variant.productId,
        productName: variant.productName,
        quantity: line.quantity,
        tier: options.tier,
        currency,
        ...result,
        pricedAt: at,
      };
    });
  }

  /**
   * Stock is read only for variants an active stock-level rule covers, in one narrow read:
   * quotes of the others make no round trip at all (the variants and rules come from this
   * instance's read models).
   */
  private async availabilityWhereNeeded(rulesByVariant: Map<number, Rule[]>): Promise<Map<number, number>> {
    const variantIds = [...rulesByVariant]
      .filter(([, rules]) => rules.some((rule) => rule.kind === 'STOCK_LEVEL' && rule.active))
      .map(([variantId]) => variantId);
    return variantIds.length > 0 ? this.inventory.availableUnits(variantIds) : new Map();
  }
}

function assertQuantity(line: QuoteLine, index: number): void {
  if (Number.isSafeInteger(line.quantity) && line.quantity >= 1 && line.quantity <= MAX_QUOTE_QUANTITY) return;
  const message = `quantity must be an integer from 1 to ${MAX_QUOTE_QUANTITY}`;
  throw new ValidationFailedError(message, [{ field: `items.${index}.quantity`, message }]);
}
