import { api, unwrap } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Empty, Loading } from '../../components/Status';
import { useLoad } from '../../hooks';
import { href } from '../../router';
import { Pager } from '../../components/Pager';
import { signed } from './figures';
import { When } from '../../components/When';

export const LEDGER_PAGE_SIZE = 10;

/** The variant's stock movements, newest first as the API answers them. */
export function Ledger({
  variantId,
  offset,
  onOffset,
  round,
}: {
  variantId: number;
  offset: number;
  onOffset: (offset: number) => void;
  round: number;
}) {
  const ledger = useLoad(
    () =>
      unwrap(
        api.GET('/api/inventory/{variantId}/movements', {
          params: { path: { variantId }, query: { limit: LEDGER_PAGE_SIZE, offset } },
        }),
      ),
    [variantId, offset, round],
  );
  return (
    <section className="card" aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger</h2>
      <ProblemView error={ledger.error} />
      {!ledger.data && ledger.loading && <Loading />}
      {ledger.data && ledger.data.total === 0 && <Empty>No movement yet.</Empty>}
      {ledger.data && ledger.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table aria-labelledby="ledger-title" aria-busy={ledger.loading}>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Delta</th>
                  <th scope="col">Reserved delta</th>
                  <th scope="col">On hand after</th>
                  <th scope="col">Reserved after</th>
                  <th scope="col">Reservation</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {ledger.data.items.map((movement) => (
                  <tr key={movement.id}>
                    <td>
                      <When at={movement.createdAt} />
                    </td>
                    <td>{movement.reason}</td>
                    <td>{signed(movement.delta)}</td>
                    <td>{signed(movement.reservedDelta)}</td>
                    <td>{movement.onHandAfter}</td>
                    <td>{movement.reservedAfter}</td>
                    <td className="mono">
                      {movement.reservationId ? (
                        <a href={href('reservations', movement.reservationId)}>{movement.reservationId}</a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{movement.actor ?? '—'}</td>
                    <td>{movement.note ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Ledger pages" page={ledger.data} onOffset={onOffset} />
        </>
      )}
    </section>
  );
}
