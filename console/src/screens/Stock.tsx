import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { ProblemView } from '../components/ProblemView';
import { Empty, Loading } from '../components/Status';
import { useLoad } from '../hooks';
import { href } from '../router';
import { Pager } from '../components/Pager';
import { RestockList } from './stock/RestockList';
import { StateBadge } from './stock/StateBadge';
import { neverStocked } from './stock/figures';
import { loadStockOrNone, type Variant } from './stock/stock-api';

const PAGE_SIZE = 20;

/** The last search of this tab, so coming back from a variant shows the same results. */
let lastSearch = { term: '', offset: 0 };

export function StockScreen() {
  const [draft, setDraft] = useState(lastSearch.term);
  const [search, setSearch] = useState(lastSearch);

  function show(next: typeof search) {
    lastSearch = next;
    setSearch(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    show({ term: draft.trim(), offset: 0 });
  }

  return (
    <>
      <h1>Stock</h1>
      <form className="card" role="search" onSubmit={submit}>
        <label htmlFor="variant-search">Search variants</label>
        <div className="row">
          <input
            id="variant-search"
            type="search"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            aria-describedby="variant-search-hint"
            autoComplete="off"
          />
          <button type="submit">Search</button>
        </div>
        <p className="hint" id="variant-search-hint">
          The start of a SKU, or any part of a product name.
        </p>
      </form>
      {search.term && (
        <SearchResults key={search.term} search={search} onOffset={(offset) => show({ ...search, offset })} />
      )}
      <div className="grid">
        <RestockList state="OUT_OF_STOCK" title="Out of stock" empty="Nothing is out of stock." />
        <RestockList state="LOW_STOCK" title="Low stock" empty="Nothing is running low." />
      </div>
    </>
  );
}

/** The variants a search found; searching again for the same term asks the API again (a new `search`). */
function SearchResults({
  search,
  onOffset,
}: {
  search: { term: string; offset: number };
  onOffset: (offset: number) => void;
}) {
  const { term, offset } = search;
  const found = useLoad(
    () => unwrap(api.GET('/api/products/variants', { params: { query: { search: term, limit: PAGE_SIZE, offset } } })),
    [search],
  );
  return (
    <section aria-labelledby="search-results-title">
      <h2 id="search-results-title">Variants matching “{term}”</h2>
      <ProblemView error={found.error} />
      {found.loading && <Loading what="Searching" />}
      {found.data && found.data.total === 0 && <Empty>No variant matches “{term}”.</Empty>}
      {found.data && found.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table aria-labelledby="search-results-title">
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Variant id</th>
                  <th scope="col">On hand</th>
                  <th scope="col">Reserved</th>
                  <th scope="col">Available</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {found.data.items.map((variant) => (
                  <ResultRow key={variant.id} variant={variant} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Search result pages" page={found.data} onOffset={onOffset} />
        </>
      )}
    </section>
  );
}

function ResultRow({ variant }: { variant: Variant }) {
  const stock = useLoad(() => loadStockOrNone(variant.id), [variant.id]);
  const level = stock.data;
  return (
    <tr>
      <td>
        <a href={href('stock', variant.id)}>{variant.sku}</a>
      </td>
      <td>{variant.id}</td>
      {stock.error ? (
        <td colSpan={4}>
          <ProblemView error={stock.error} />
        </td>
      ) : level === undefined ? (
        <td colSpan={4} className="loading">
          Loading…
        </td>
      ) : level === null || neverStocked(level) ? (
        <td colSpan={4} className="hint">
          not stocked
        </td>
      ) : (
        <>
          <td>{level.onHand}</td>
          <td>{level.reserved}</td>
          <td>{level.available}</td>
          <td>
            <StateBadge state={level.state} />
          </td>
        </>
      )}
    </tr>
  );
}
