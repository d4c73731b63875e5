import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { When } from '../../components/When';
import { useCountdown } from '../../hooks';
import { timeLeft } from '../../time';
import { href } from '../../router';

type Reservation = Schemas['ReservationDto'];
type Action = 'confirm' | 'cancel' | 'extend';

const DONE: Record<Action, string> = {
  confirm: 'Confirmed',
  cancel: 'Cancelled',
  extend: 'Extended',
};

/** One reservation: its figures, its lines and the transitions the API offers on it. */
export function ReservationCard({
  reservation,
  onChange,
  onReload,
}: {
  reservation: Reservation;
  onChange: (reservation: Reservation) => void;
  onReload: () => void;
}) {
  const [busy, setBusy] = useState<Action>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [seconds, setSeconds] = useState('');
  const path = { params: { path: { id: reservation.id } } };

  async function run(action: Action) {
    setBusy(action);
    setError(undefined);
    setNotice(undefined);
    try {
      const updated = await unwrap(
        action === 'confirm'
          ? api.POST('/api/reservations/{id}/confirm', path)
          : action === 'cancel'
            ? api.POST('/api/reservations/{id}/cancel', path)
            : api.POST('/api/reservations/{id}/extend', {
                ...path,
                // Left empty, the API holds it for its default time.
                body: seconds.trim() === '' ? {} : { seconds: Number(seconds) },
              }),
      );
      onChange(updated);
      setNotice(`${DONE[action]}: the reservation is ${updated.status}.`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  }

  function extend(event: FormEvent) {
    event.preventDefault();
    void run('extend');
  }

  return (
    <section className="card" aria-labelledby="reservation-title">
      <div className="row reservation-head">
        <h2 id="reservation-title">
          Reservation <span className="mono">{reservation.id}</span>
        </h2>
        <span className={`state state-${reservation.status}`} id="reservation-status">
          {reservation.status}
        </span>
        <button type="button" className="secondary" onClick={onReload}>
          Reload
        </button>
      </div>

      <dl className="facts">
        <div>
          <dt>Total</dt>
          <dd>
            <strong id="reservation-total">
              {reservation.total} {reservation.currency}
            </strong>
          </dd>
        </div>
        <div>
          <dt>Expires at</dt>
          <dd>
            <When at={reservation.expiresAt} id="reservation-expires-at" />
            {reservation.status === 'ACTIVE' && <Countdown at={reservation.expiresAt} />}
          </dd>
        </div>
        <div>
          <dt>Latest possible expiry</dt>
          <dd>
            <When at={reservation.maxExpiresAt} id="reservation-max-expires-at" />
          </dd>
        </div>
        <div>
          <dt>Extended</dt>
          <dd id="reservation-extended-count">
            {reservation.extendedCount} {reservation.extendedCount === 1 ? 'time' : 'times'}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <When at={reservation.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Closed</dt>
          <dd>
            <When at={reservation.closedAt} />
          </dd>
        </div>
      </dl>

      <h3>Items</h3>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Quantity</th>
              <th scope="col">Unit price</th>
              <th scope="col">Line total</th>
            </tr>
          </thead>
          <tbody>
            {reservation.items.map((item) => (
              <tr key={item.variantId}>
                <td>
                  <a href={href('stock', item.variantId)} className="mono">
                    {item.sku}
                  </a>
                </td>
                <td>{item.quantity}</td>
                <td>
                  {item.unitPrice} {reservation.currency}
                </td>
                <td>
                  {item.lineTotal} {reservation.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Actions</h3>
      <div className="row">
        <button type="button" disabled={busy !== undefined} onClick={() => void run('confirm')}>
          {busy === 'confirm' ? 'Confirming…' : 'Confirm'}
        </button>
        <button type="button" className="danger" disabled={busy !== undefined} onClick={() => void run('cancel')}>
          {busy === 'cancel' ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <form className="row" onSubmit={extend} aria-label="Extend the reservation" noValidate>
        <div>
          <label htmlFor="extend-seconds">Seconds</label>
          <input
            id="extend-seconds"
            name="seconds"
            type="number"
            inputMode="numeric"
            value={seconds}
            onChange={(event) => setSeconds(event.target.value)}
            placeholder="default hold"
            aria-describedby="extend-seconds-hint"
          />
        </div>
        <button type="submit" className="secondary" disabled={busy !== undefined}>
          {busy === 'extend' ? 'Extending…' : 'Extend'}
        </button>
        <p className="hint" id="extend-seconds-hint">
          From now; empty holds it for the API&rsquo;s default time, never past the latest possible expiry.
        </p>
      </form>

      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ProblemView error={error} />
    </section>
  );
}

function Countdown({ at }: { at: string }) {
  const left = timeLeft(useCountdown(at));
  if (!left) return <span className="countdown hint"> — past due: reload to see it expire</span>;
  return <span className="countdown"> — in {left}</span>;
}
