import type { StockLevel } from './stock-api';

export function StateBadge({ state }: { state: StockLevel['state'] }) {
  return <span className={`state state-${state}`}>{state}</span>;
}
