import { useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Empty, Loading } from '../../components/Status';
import { useLoad } from '../../hooks';
import { Pager } from '../../components/Pager';
import type { StockLevel } from './figures';
import { VariantLink } from './VariantLink';

const PAGE_SIZE = 10;

/** The variants in one state, fewest available first, as the API orders them: what to restock. */
export function RestockList({
  state,
  title,
  empty,
}: {
  state: Extract<StockLevel['state'], 'OUT_OF_STOCK' | 'LOW_STOCK'>;
  title: string;
  empty: string;
}) {
  const headingId = useId();
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () => unwrap(api.GET('/api/inventory', { params: { query: { state, limit: PAGE_SIZE, offset } } })),
    [state, offset],
  );
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <ProblemView error={list.error} />
      {!list.data && list.loading && <Loading />}
      {list.data && list.data.total === 0 && <Empty>{empty}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table aria-labelledby={headingId}>
              <thead>
                <tr>
                  <th scope="col">Variant</th>
                  <th scope="col">Available</th>
                  <th scope="col">On hand</th>
                  <th scope="col">Reserved</th>
                  <th scope="col">Low-stock threshold</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((level) => (
                  <tr key={level.variantId}>
                    <td>
                      <VariantLink variantId={level.variantId} />
                    </td>
                    <td>{level.available}</td>
                    <td>{level.onHand}</td>
                    <td>{level.reserved}</td>
                    <td>{level.limits.lowStockThreshold ?? 'default'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label={`${title} pages`} page={list.data} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}
