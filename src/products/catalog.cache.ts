import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { Invalidation, InvalidationBus } from '../shared/bus';
import { Env } from '../shared/config';
import { VariantView } from './variant.repository';

/** What catalog writes publish on the invalidation bus, and this cache listens to. */
export const CatalogTopics = {
  /** Variants changed or deleted: `ids` are variant ids. */
  variants: 'catalog.variants',
  /** Products changed or deleted (their variants' views with them): `ids` are product ids. */
  products: 'catalog.products',
  /** The tree changed: every category path and subtree may have. */
  categories: 'catalog.categories',
} as const;

export function variantsChanged(ids: number[]): Invalidation {
  return { topic: CatalogTopics.variants, ids };
}

export function productsChanged(ids: number[]): Invalidation {
  return { topic: CatalogTopics.products, ids };
}

export const CATEGORIES_CHANGED: Invalidation = { topic: CatalogTopics.categories };

export interface CatalogCacheStats {
  variantViews: number;
  subtrees: number;
  /** Variant views found held, and not, since the process started. */
  hits: number;
  misses: number;
}

/**
 * This instance's read model of the catalog: variant views (what every quote and cart
 * add reads) and category subtrees (what catalog pages filter by), filled on demand,
 * bounded (CATALOG_CACHE_MAX_ENTRIES each, least recently used out first) and emptied
 * through the invalidation bus by every catalog write on any instance. It holds no stock.
 *
 * A read that started before an invalidation must not store what it read after it:
 * every invalidation moves the generation on, and a fill of an older generation is
 * served but not kept.
 */
@Injectable()
export class CatalogCache implements OnModuleInit {
  private readonly views: LRUCache<number, VariantView> | null;
  private readonly counts = { hits: 0, misses: 0 };
  private readonly subtrees: LRUCache<number, number[]> | null;
  private generation = 0;

  constructor(
    private readonly bus: InvalidationBus,
    config: ConfigService<Env, true>,
  ) {
    const max = config.get('CATALOG_CACHE_MAX_ENTRIES', { infer: true });
    this.views = max > 0 ? new LRUCache({ max }) : null;
    this.subtrees = max > 0 ? new LRUCache({ max }) : null;
  }

  onModuleInit(): void {
    // No ids: everything of the topic changed (or notifications may have been missed).
    this.bus.subscribe(CatalogTopics.variants, ({ ids }) => (ids ? this.forgetVariants(ids) : this.forgetAll()));
    this.bus.subscribe(CatalogTopics.products, ({ ids }) => (ids ? this.forgetProducts(ids) : this.forgetAll()));
    this.bus.subscribe(CatalogTopics.categories, () => this.forgetAll());
  }

  /** The views of `ids`, loading the ones not held with `load` (which leaves out what does not exist). */
  async variantViews(
    ids: readonly number[],
    load: (missing: number[]) => Promise<Map<number, VariantView>>,
  ): Promise<Map<number, VariantView>> {
    const unique = [...new Set(ids)];
    if (!this.views) return load(unique);
    const found = new Map<number, VariantView>();
    const missing: number[] = [];
    for (const id of unique) {
      const view = this.views.get(id);
      if (view) found.set(id, view);
      else missing.push(id);
    }
    this.counts.hits += found.size;
    this.counts.misses += missing.length;
    if (missing.length === 0) return found;
    const generation = this.generation;
    const loaded = await load(missing);
    for (const [id, view] of loaded) {
      found.set(id, view);
      if (generation === this.generation) this.views.set(id, view);
    }
    return found;
  }

  /** The ids of a category's subtree, loading them with `load` when not held. */
  async subtree(id: number, load: () => Promise<number[]>): Promise<number[]> {
    const held = this.subtrees?.get(id);
    if (held) return held;
    const generation = this.generation;
    const ids = await load();
    // An empty subtree is a category that does not exist: not kept, so creating it needs no invalidation.
    if (ids.length > 0 && generation === this.generation) this.subtrees?.set(id, ids);
    return ids;
  }

  stats(): CatalogCacheStats {
    return { variantViews: this.views?.size ?? 0, subtrees: this.subtrees?.size ?? 0, ...this.counts };
  }

  private forgetVariants(ids: number[]): void {
    this.generation++;
    for (const id of ids) this.views?.delete(id);
  }

  private forgetProducts(ids: number[]): void {
    this.generation++;
    const products = new Set(ids);
    for (const [id, view] of this.views?.entries() ?? []) if (products.has(view.productId)) this.views?.delete(id);
  }

  private forgetAll(): void {
    this.generation++;
    this.views?.clear();
    this.subtrees?.clear();
  }
}
