import { api, ApiError, unwrap, type Schemas } from '../../api/client';

export type StockLevel = Schemas['StockLevelDto'];
export type Variant = Schemas['VariantDto'];

/** The figures a refused compare-and-set answers with in `current` (412 PRECONDITION_FAILED, 409 STOCK_CHANGED). */
export interface CurrentFigures {
  onHand: number;
  reserved: number;
  available: number;
  version: number;
}

export const loadStock = (variantId: number): Promise<StockLevel> =>
  unwrap(api.GET('/api/inventory/{variantId}', { params: { path: { variantId } } }));

/** The stock of a variant, or null when the API knows no such variant (404). */
export async function loadStockOrNone(variantId: number): Promise<StockLevel | null> {
  try {
    return await loadStock(variantId);
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 404) return null;
    throw error;
  }
}

export const loadVariant = (id: number): Promise<Variant> =>
  unwrap(api.GET('/api/products/variants/{id}', { params: { path: { id } } }));

/**
 * The API answers a variant it never stocked with zeros at version 0 rather than a 404
 * (README: "zeros if never stocked"); every write raises the version.
 */
export const neverStocked = (level: StockLevel): boolean =>
  level.version === 0 && level.onHand === 0 && level.reserved === 0;

/** The current figures a refused write carried, if it carried any. */
export function currentFiguresOf(error: unknown): CurrentFigures | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const current = error.problem.current as Partial<CurrentFigures> | undefined;
  if (!current || typeof current !== 'object') return undefined;
  const { onHand, reserved, available, version } = current;
  if ([onHand, reserved, available, version].some((value) => typeof value !== 'number')) return undefined;
  return current as CurrentFigures;
}

/** The If-Match value naming a stock version, as the API's ETag spells it. */
export const entityTagOf = (version: number): string => `"${version}"`;

export const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));
