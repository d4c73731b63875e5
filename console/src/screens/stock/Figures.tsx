import { useId, type ReactNode } from 'react';
import { When } from '../../components/When';
import { StateBadge } from './StateBadge';
import type { CurrentFigures, StockLevel } from './figures';

/** What the screen knows of the stock: a full answer, or only the counters a refused write carried. */
export type ShownStock = (StockLevel & { partial?: false }) | (CurrentFigures & { partial: true });

export function Figures({ stock, refreshing }: { stock: ShownStock; refreshing: boolean }) {
  return (
    <>
      <div className="figures">
        <Figure label="On hand">{stock.onHand}</Figure>
        <Figure label="Reserved">{stock.reserved}</Figure>
        <Figure label="Available">{stock.available}</Figure>
        <Figure label="State">{stock.partial ? '…' : <StateBadge state={stock.state} />}</Figure>
        <Figure label="Version">{stock.version}</Figure>
      </div>
      {stock.partial ? (
        <p className="hint">Figures as the refused write reported them; reading the rest…</p>
      ) : (
        <>
          <h3>Limits</h3>
          <div className="figures">
            <Figure label="Max per order">{stock.limits.maxPerOrder ?? 'none'}</Figure>
            <Figure label="Max per customer">{stock.limits.maxPerCustomer ?? 'none'}</Figure>
            <Figure label="Customer window (s)">{stock.limits.windowSeconds ?? 'ever'}</Figure>
            <Figure label="Low-stock threshold">{stock.limits.lowStockThreshold ?? 'default'}</Figure>
          </div>
          <p className="hint">
            As of <When at={stock.asOf} />
            {refreshing && ' (refreshing…)'}
          </p>
        </>
      )}
    </>
  );
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="figure" role="group" aria-labelledby={id}>
      <strong>{children}</strong>
      <span id={id}>{label}</span>
    </div>
  );
}
