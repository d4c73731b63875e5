import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import type { StockLevel } from './figures';

export type Variant = Schemas['VariantDto'];

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
