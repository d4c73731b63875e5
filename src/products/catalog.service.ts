import { Injectable } from '@nestjs/common';
import { CatalogCache, CatalogCacheStats } from './catalog.cache';
import { CategoryRepository } from './category.repository';
import { ProductRepository } from './product.repository';
import { VariantNotFoundError } from './products.errors';
import { VariantRepository, VariantView } from './variant.repository';

/**
 * The products module's public read service: other modules look variants up here,
 * never in the catalog tables.
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly variants: VariantRepository,
    private readonly products: ProductRepository,
    private readonly categories: CategoryRepository,
    private readonly cache: CatalogCache,
  ) {}

  /** The live variant, or null when it does not exist or was deleted (with its product). */
  async findVariant(id: number): Promise<VariantView | null> {
    const views = await this.findVariants([id]);
    return views.get(id) ?? null;
  }

  /** The live variant; throws VariantNotFoundError otherwise. */
  async getVariant(id: number): Promise<VariantView> {
    const view = await this.findVariant(id);
    if (!view) throw new VariantNotFoundError(id);
    return view;
  }

  /**
   * Live variants by id, from this instance's read model or in one query whatever the
   * count; missing ids are absent. A catalog write on any instance reaches the read model
   * within moments, through the invalidation bus.
   */
  findVariants(ids: readonly number[]): Promise<Map<number, VariantView>> {
    return this.cache.variantViews(ids, (missing) => this.variants.findViews(missing));
  }

  /**
   * Which of `ids` are variants still sold (neither they nor their product deleted): one
   * query, never the read model, as checkout decides on it.
   */
  liveVariantIds(ids: readonly number[]): Promise<Set<number>> {
    return this.variants.findLiveIds(ids);
  }

  /** True when the category exists and is not deleted. */
  categoryExists(id: number): Promise<boolean> {
    return this.categories.existsLive(id);
  }

  /** True when the product exists and is not deleted. */
  productExists(id: number): Promise<boolean> {
    return this.products.existsLive(id);
  }

  /** What this instance's read model holds, and how often it answered, for the metrics. */
  cacheStats(): CatalogCacheStats {
    return this.cache.stats();
  }

  /** True when the variant was ever created, deleted or not: stock history outlives it. */
  variantEverExisted(id: number): Promise<boolean> {
    return this.variants.everExisted(id);
  }
}
