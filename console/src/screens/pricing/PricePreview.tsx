import { useState, type FormEvent } from 'react';
import { api, fieldError, unwrap, type Schemas } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Empty, FieldMessage, Loading } from '../../components/Status';
import { href } from '../../router';
import { CUSTOMER_TIERS, describedBy, isoOfLocal, numberOf, type CustomerTier } from './vocabulary';

type Quote = Schemas['PriceQuoteDto'];

/** The price of a variant as the API would quote it for a quantity, a tier and a moment, explained. */
export function PricePreview() {
  const [variantId, setVariantId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [tier, setTier] = useState<CustomerTier>('STANDARD');
  const [moment, setMoment] = useState('');
  const [quote, setQuote] = useState<{ quote: Quote; at?: string }>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setLoading(true);
    setError(undefined);
    const at = isoOfLocal(moment);
    try {
      const answer = await unwrap(
        api.GET('/api/pricing/{variantId}/preview', {
          params: { path: { variantId: Number(variantId) }, query: { quantity: numberOf(quantity), tier, at } },
        }),
      );
      setQuote({ quote: answer, at });
    } catch (failure) {
      setQuote(undefined);
      setError(failure);
    } finally {
      setLoading(false);
    }
  }

  const variantError = fieldError(error, 'variantId');
  const quantityError = fieldError(error, 'quantity');
  const tierError = fieldError(error, 'tier');
  const atError = fieldError(error, 'at');

  return (
    <>
      <h2 id="preview-title">Price preview</h2>
      <form className="row" onSubmit={(event) => void submit(event)} aria-labelledby="preview-title" noValidate>
        <div>
          <label htmlFor="preview-variant">Variant id</label>
          <input
            {...describedBy('preview-variant', variantError)}
            type="number"
            inputMode="numeric"
            value={variantId}
            onChange={(event) => setVariantId(event.target.value)}
          />
          <FieldMessage id="preview-variant-error" message={variantError} />
        </div>
        <div>
          <label htmlFor="preview-quantity">Quantity</label>
          <input
            {...describedBy('preview-quantity', quantityError)}
            type="number"
            inputMode="numeric"
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
          />
          <FieldMessage id="preview-quantity-error" message={quantityError} />
        </div>
        <div>
          <label htmlFor="preview-tier">Tier</label>
          <select
            {...describedBy('preview-tier', tierError)}
            value={tier}
            onChange={(event) => setTier(event.target.value as CustomerTier)}
          >
            {CUSTOMER_TIERS.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
          <FieldMessage id="preview-tier-error" message={tierError} />
        </div>
        <div>
          <label htmlFor="preview-at">Moment</label>
          <input
            {...describedBy('preview-at', atError)}
            type="datetime-local"
            step={1}
            value={moment}
            onChange={(event) => setMoment(event.target.value)}
          />
          <FieldMessage id="preview-at-error" message={atError} />
        </div>
        <button type="submit" disabled={loading}>
          Preview
        </button>
      </form>
      <p className="hint">The moment is in your local time; left empty, the price is the one of now.</p>

      {loading && <Loading what="Pricing" />}
      <ProblemView error={error} />
      {quote && <QuoteView quote={quote.quote} at={quote.at} />}
    </>
  );
}

function QuoteView({ quote, at }: { quote: Quote; at?: string }) {
  const money = (amount: string) => `${amount} ${quote.currency}`;
  const considered = quote.considered ?? [];
  return (
    <section aria-label="The previewed price" className="quote" aria-live="polite">
      <p>
        <a href={href('stock', quote.variantId)} className="mono">
          {quote.sku}
        </a>{' '}
        × {quote.quantity}, tier {quote.tier}, {at ? `at ${new Date(at).toLocaleString()}` : 'now'}
      </p>
      <div className="figures">
        <div className="figure">
          <strong id="preview-base-price">{money(quote.basePrice)}</strong>
          <span>Base price</span>
        </div>
        <div className="figure">
          <strong id="preview-unit-price">{money(quote.unitPrice)}</strong>
          <span>Unit price</span>
        </div>
        <div className="figure">
          <strong id="preview-total">{money(quote.totalPrice)}</strong>
          <span>Total</span>
        </div>
        <div className="figure">
          <strong id="preview-savings">{money(quote.savings)}</strong>
          <span>Savings</span>
        </div>
      </div>

      <h3>Applied rules</h3>
      {quote.appliedRules.length === 0 ? (
        <Empty>No rule applied: the unit price is the base price.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Applied rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Kind</th>
                <th scope="col">Unit price before → after</th>
              </tr>
            </thead>
            <tbody>
              {quote.appliedRules.map((rule) => (
                <tr key={rule.ruleId}>
                  <th scope="row">
                    {rule.name} <span className="hint">#{rule.ruleId}</span>
                  </th>
                  <td>{rule.kind}</td>
                  <td>
                    {rule.before} → {rule.after}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>Considered rules</h3>
      {considered.length === 0 ? (
        <Empty>No rule covers this variant.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Considered rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Kind</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {considered.map((rule) => (
                <tr key={rule.ruleId}>
                  <th scope="row">
                    {rule.name} <span className="hint">#{rule.ruleId}</span>
                  </th>
                  <td>{rule.kind}</td>
                  <td>
                    <span className={`state state-${rule.outcome}`}>{rule.outcome}</span>
                  </td>
                  <td>
                    {rule.reason}
                    {rule.byRuleId !== null && <span className="hint"> (by #{rule.byRuleId})</span>}
                  </td>
                  <td>{rule.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
