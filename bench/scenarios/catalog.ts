import { BenchContext, ScenarioResult } from '../lib/context';
import { LoadRequest, LoadResult } from '../lib/load';
import { summary } from './quote';

const PAGE_SIZE = 20;
const PAGES_PER_DEPARTMENT = 5;

/**
 * GET /api/products pages filtered by category: the first pages of each department
 * (a subtree of 10 aisles) and the first page of each aisle.
 */
export async function catalogScenario(ctx: BenchContext, trivial: LoadResult): Promise<ScenarioResult> {
  const { topIds, leafIds } = ctx.seeded.categories;
  const requests: LoadRequest[] = [
    ...topIds.flatMap((categoryId) =>
      Array.from({ length: PAGES_PER_DEPARTMENT }, (_, page) => ({
        method: 'GET' as const,
        path: `/api/products?categoryId=${categoryId}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`,
      })),
    ),
    ...leafIds.map((categoryId) => ({
      method: 'GET' as const,
      path: `/api/products?categoryId=${categoryId}&limit=${PAGE_SIZE}`,
    })),
  ];
  const catalog = await ctx.load({ requests, durationSeconds: ctx.options.seconds, expectStatus: [200] });
  const { rows } = await ctx.db.query<{ products: number }>(`SELECT count(*)::int AS products FROM products`);
  return {
    ...summary(catalog),
    limitThroughput: trivial.throughput,
    ratio: catalog.throughput / trivial.throughput,
    products: rows[0].products,
    categories: 1 + topIds.length + leafIds.length,
    requests: catalog.requests,
  };
}
