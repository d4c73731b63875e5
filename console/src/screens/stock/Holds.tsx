import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Empty, Loading } from '../../components/Status';
import { useCountdown, useLoad } from '../../hooks';
import { timeLeft } from '../../time';
import { href } from '../../router';
import { Pager } from '../../components/Pager';
import { When } from '../../components/When';

const PAGE_SIZE = 10;

/** The ACTIVE reservations behind "reserved", oldest first. */
export function Holds({ variantId, round }: { variantId: number; round: number }) {
  const [offset, setOffset] = useState(0);
  const holds = useLoad(
    () =>
      unwrap(
        api.GET('/api/inventory/{variantId}/holds', {
          params: { path: { variantId }, query: { limit: PAGE_SIZE, offset } },
        }),
      ),
    [variantId, offset, round],
  );
  return (
    <section className="card" aria-labelledby="holds-title">
      <h2 id="holds-title">Holds</h2>
      <ProblemView error={holds.error} />
      {!holds.data && holds.loading && <Loading />}
      {holds.data && holds.data.total === 0 && <Empty>No active reservation holds this variant.</Empty>}
      {holds.data && holds.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table aria-labelledby="holds-title">
              <thead>
                <tr>
                  <th scope="col">Reservation</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {holds.data.items.map((hold) => (
                  <HoldRow key={hold.reservationId} hold={hold} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Hold pages" page={holds.data} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}

function HoldRow({ hold }: { hold: Schemas['StockHoldDto'] }) {
  return (
    <tr>
      <td className="mono">
        <a href={href('reservations', hold.reservationId)}>{hold.reservationId}</a>
      </td>
      <td>{hold.quantity}</td>
      <td>{hold.ownerId}</td>
      <td>
        <Countdown at={hold.expiresAt} />
      </td>
      <td>
        <When at={hold.createdAt} />
      </td>
    </tr>
  );
}

/** Time left until the hold's expiry, ticking; the exact instant in the tooltip. */
function Countdown({ at }: { at: string }) {
  const left = timeLeft(useCountdown(at));
  return (
    <time dateTime={at} title={at}>
      {left ? `in ${left}` : 'due now'}
    </time>
  );
}
