import { useState } from 'react';
import { ProblemView } from '../components/ProblemView';
import { Loading } from '../components/Status';
import { useLoad } from '../hooks';
import { href } from '../router';
import { Figures, type ShownStock } from './stock/Figures';
import { Holds } from './stock/Holds';
import { Ledger } from './stock/Ledger';
import { neverStocked, type CurrentFigures } from './stock/figures';
import { loadStock, loadVariant } from './stock/stock-api';
import { AdjustForm, SetOnHandForm, type WriteOutcome } from './stock/StockForms';

export function VariantScreen({ variantId }: { variantId: number }) {
  // A new variant starts from a clean page: no figures, refusals or ledger page of the last one.
  return <VariantStock key={variantId} variantId={variantId} />;
}

function VariantStock({ variantId }: { variantId: number }) {
  const variant = useLoad(() => loadVariant(variantId), [variantId]);
  const stock = useLoad(() => loadStock(variantId), [variantId]);
  const [told, setTold] = useState<CurrentFigures>();
  const [round, setRound] = useState(0);
  const [ledgerOffset, setLedgerOffset] = useState(0);

  const shown = shownStock(stock.data, told);
  const outcome: WriteOutcome = {
    onWritten: () => {
      stock.reload();
      setLedgerOffset(0);
      setRound((value) => value + 1);
    },
    onStale: (current) => {
      setTold(current);
      stock.reload();
      setRound((value) => value + 1);
    },
  };

  return (
    <>
      <p>
        <a href={href('stock')}>← Stock</a>
      </p>
      <h1>{variant.data?.sku ?? `Variant ${variantId}`}</h1>
      <p className="hint">
        Variant {variantId}
        {variant.data && ` of product ${variant.data.productId}`}
      </p>
      <section className="card" aria-labelledby="figures-title">
        <h2 id="figures-title">Figures</h2>
        <ProblemView error={stock.error} />
        {!shown && stock.loading && <Loading />}
        {shown && <Figures stock={shown} refreshing={stock.loading} />}
        {stock.data && neverStocked(stock.data) && (
          <p className="hint">Not stocked yet: set the counted units on hand to start its ledger.</p>
        )}
      </section>
      {shown && (
        <div className="grid">
          <SetOnHandForm variantId={variantId} version={shown.version} outcome={outcome} />
          <AdjustForm variantId={variantId} version={shown.version} outcome={outcome} />
        </div>
      )}
      <Holds variantId={variantId} round={round} />
      <Ledger variantId={variantId} offset={ledgerOffset} onOffset={setLedgerOffset} round={round} />
    </>
  );
}

/**
 * The newest figures the screen has: the last read, or the counters a refused write
 * reported when they are newer (until the read that follows the refusal lands).
 */
function shownStock(read: ShownStock | undefined, told: CurrentFigures | undefined): ShownStock | undefined {
  if (told && (!read || told.version > read.version)) return { ...told, partial: true };
  return read;
}
