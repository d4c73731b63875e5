import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

const PAGE_TOTAL = 'page_total';

/**
 * A page of `builder`'s entities (already filtered and ordered) and the total it is a page
 * of, in one statement: the total rides on the page's rows as a window count, instead of a
 * second statement that filters the same rows again. A page past the end has no row to
 * carry it, and counts in a statement of its own.
 */
export async function pageWithTotal<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  limit: number,
  offset: number,
): Promise<[T[], number]> {
  const { entities, raw } = await builder
    .clone()
    .addSelect('COUNT(*) OVER ()', PAGE_TOTAL)
    .limit(limit)
    .offset(offset)
    .getRawAndEntities<Record<typeof PAGE_TOTAL, string>>();
  if (raw.length > 0) return [entities, Number(raw[0][PAGE_TOTAL])];
  return [entities, offset === 0 ? 0 : await builder.getCount()];
}
