import type { Schemas } from '../../api/client';
import { ApiError } from '../../api/problem';

export type StockLevel = Schemas['StockLevelDto'];

/** The figures a refused compare-and-set answers with in `current` (412 PRECONDITION_FAILED, 409 STOCK_CHANGED). */
export interface CurrentFigures {
  onHand: number;
  reserved: number;
  available: number;
  version: number;
}

/**
 * The API answers a variant it never stocked with zeros at version 0 rather than a 404
 * (docs/inventory.md: "zeros if never stocked"); every write raises the version.
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
