import { api, unwrap } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Empty, Loading } from '../../components/Status';
import { When } from '../../components/When';
import { useLoad } from '../../hooks';
import { href } from '../../router';

export function StockAudit() {
  const audit = useLoad(() => unwrap(api.GET('/api/inventory/audit')), []);
  const data = audit.data;
  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="row">
        <h2 id="audit-title">Stock audit</h2>
        {data && (
          <span className={`state state-${data.consistent ? 'up' : 'down'}`} id="audit-status">
            {data.consistent ? 'consistent' : 'inconsistent'}
          </span>
        )}
        <button type="button" className="secondary" onClick={audit.reload} disabled={audit.loading}>
          Audit again
        </button>
      </div>
      {audit.loading && !data && <Loading what="Auditing the stock" />}
      <ProblemView error={audit.error} />
      {data && (
        <>
          <h3>Drift</h3>
          {data.drift.length === 0 ? (
            <Empty>No variant’s counters disagree with its ledger or its active reservations.</Empty>
          ) : (
            <div className="table-wrap">
              <table aria-label="Drift">
                <thead>
                  <tr>
                    <th scope="col">Variant</th>
                    <th scope="col">On hand</th>
                    <th scope="col">Ledger on hand</th>
                    <th scope="col">Reserved</th>
                    <th scope="col">Active reserved</th>
                  </tr>
                </thead>
                <tbody>
                  {data.drift.map((row) => (
                    <tr key={row.variantId}>
                      <td>
                        <a href={href('stock', row.variantId)}>{row.variantId}</a>
                      </td>
                      <td>{row.onHand}</td>
                      <td>{row.ledgerOnHand}</td>
                      <td>{row.reserved}</td>
                      <td>{row.activeReserved}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>Stuck reservations</h3>
          {data.stuck.length === 0 ? (
            <Empty>No reservation is held past its expiry.</Empty>
          ) : (
            <div className="table-wrap">
              <table aria-label="Stuck reservations">
                <thead>
                  <tr>
                    <th scope="col">Reservation</th>
                    <th scope="col">Expired at</th>
                  </tr>
                </thead>
                <tbody>
                  {data.stuck.map((row) => (
                    <tr key={row.reservationId}>
                      <td>
                        <a href={href('reservations', row.reservationId)} className="mono">
                          {row.reservationId}
                        </a>
                      </td>
                      <td>
                        <When at={row.expiresAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
