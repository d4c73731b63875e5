import { BenchContext } from '../lib/context';
import { LoadRequest } from '../lib/load';

const PAGE_SIZE = 20;
const PAGES_PER_DEPARTMENT = 5;

/**
 * GET /api/products pages filtered by category: the first pages of each department
 * (a subtree of 10 aisles) and the first page of each aisle.
 */
export function catalogRequests(ctx: BenchContext): LoadRequest[] {
  const { topIds, leafIds } = ctx.seeded.categories;
  return [
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
}
