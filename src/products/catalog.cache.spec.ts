import { ConfigService } from '@nestjs/config';
import { Invalidation, InvalidationBus } from '../shared/bus';
import { Env } from '../shared/config';
import { Money } from '../shared/money';
import { CatalogCache, productsChanged, variantsChanged } from './catalog.cache';
import { VariantView } from './variant.repository';

/** The bus's subscriptions, delivered by hand: what a notification does when it arrives. */
class HandDeliveredBus {
  private readonly handlers = new Map<string, ((invalidation: Invalidation) => void)[]>();
  subscribe(topic: string, handler: (invalidation: Invalidation) => void) {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }
  deliver(invalidation: Invalidation) {
    for (const handler of this.handlers.get(invalidation.topic) ?? []) handler(invalidation);
  }
}

function view(id: number, productId = id * 10): VariantView {
  const price = Money.ofMinor(1000);
  return {
    id,
    sku: `SKU-${id}`,
    attributes: {},
    priceAdjustment: Money.ZERO,
    productId,
    productName: `Product ${productId}`,
    productBasePrice: price,
    basePrice: price,
    categoryId: 1,
    categoryPath: [1],
  };
}

function cacheOf(maxEntries: number) {
  const bus = new HandDeliveredBus();
  const config = { get: () => maxEntries } as unknown as ConfigService<Env, true>;
  const sut = new CatalogCache(bus as unknown as InvalidationBus, config);
  sut.onModuleInit();
  const loads: number[][] = [];
  const load = async (missing: number[]) => {
    loads.push(missing);
    return new Map(missing.map((id) => [id, view(id)]));
  };
  return { sut, bus, loads, load };
}

describe(CatalogCache.name, () => {
  it('loads only the views it does not hold', async () => {
    const { sut, loads, load } = cacheOf(10);
    await sut.variantViews([1, 2], load);
    const views = await sut.variantViews([2, 3, 1], load);

    expect([...views.keys()].sort()).toEqual([1, 2, 3]);
    expect(loads).toEqual([[1, 2], [3]]);
    expect(sut.stats()).toMatchObject({ variantViews: 3, hits: 2, misses: 3 });
  });

  it('holds at most its bound, dropping the least recently used', async () => {
    const { sut, loads, load } = cacheOf(2);
    await sut.variantViews([1], load);
    await sut.variantViews([2], load);
    await sut.variantViews([1], load);
    await sut.variantViews([3], load);
    await sut.variantViews([1, 2], load);

    expect(sut.stats().variantViews).toBe(2);
    expect(loads).toEqual([[1], [2], [3], [2]]);
  });

  it('reads the database every time when its bound is 0', async () => {
    const { sut, loads, load } = cacheOf(0);
    await sut.variantViews([1], load);
    await sut.variantViews([1], load);

    expect(loads).toEqual([[1], [1]]);
  });

  it('forgets the views a variant or product invalidation names, and everything on a tree change', async () => {
    const { sut, bus, loads, load } = cacheOf(10);
    await sut.variantViews([1, 2, 3], load);
    await sut.subtree(7, async () => [7, 8]);

    bus.deliver(variantsChanged([1]));
    bus.deliver(productsChanged([20]));
    await sut.variantViews([1, 2, 3], load);
    expect(loads.at(-1)).toEqual([1, 2]);

    bus.deliver({ topic: 'catalog.categories' });
    expect(sut.stats()).toMatchObject({ variantViews: 0, subtrees: 0 });
  });

  it('does not keep what a read loaded while an invalidation arrived', async () => {
    const { sut, bus, loads, load } = cacheOf(10);
    let release!: () => void;
    const slow = async (missing: number[]) => {
      await new Promise<void>((resolve) => (release = resolve));
      return load(missing);
    };
    const reading = sut.variantViews([1], slow);
    bus.deliver(variantsChanged([1]));
    release();
    expect((await reading).get(1)).toEqual(view(1));

    await sut.variantViews([1], load);
    expect(loads).toEqual([[1], [1]]);
  });
});
