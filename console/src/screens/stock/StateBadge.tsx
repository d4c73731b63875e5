import type { StockLevel } from './figures';

export function StateBadge({ state }: { state: StockLevel['state'] }) {
  return <span className={`state state-${state}`}>{state}</span>;
}
