import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { Pager } from '../../components/Pager';
import { ProblemView } from '../../components/ProblemView';
import { Empty, Loading } from '../../components/Status';
import { When } from '../../components/When';
import { useLoad } from '../../hooks';

type Webhook = Schemas['WebhookDto'];
type Delivery = Schemas['DeliveryDto'];

const PAGE_SIZE = 10;

export function Webhooks() {
  const [offset, setOffset] = useState(0);
  const webhooks = useLoad(
    () => unwrap(api.GET('/api/webhooks', { params: { query: { limit: PAGE_SIZE, offset } } })),
    [offset],
  );
  const page = webhooks.data;
  return (
    <section aria-labelledby="webhooks-title">
      <div className="row">
        <h2 id="webhooks-title">Webhook subscriptions</h2>
        <button type="button" className="secondary" onClick={webhooks.reload} disabled={webhooks.loading}>
          Reload
        </button>
      </div>
      {webhooks.loading && !page && <Loading what="Loading the subscriptions" />}
      <ProblemView error={webhooks.error} />
      {page && page.items.length === 0 && <Empty>No webhook subscription.</Empty>}
      {page?.items.map((webhook) => (
        <Subscription key={`${webhook.id}:${webhook.updatedAt}`} webhook={webhook} />
      ))}
      {page && <Pager page={page} onOffset={setOffset} label="Pages of subscriptions" />}
    </section>
  );
}

function Subscription({ webhook }: { webhook: Webhook }) {
  const titleId = `webhook-${webhook.id}`;
  return (
    <article className="card" aria-labelledby={titleId}>
      <div className="row">
        <h3 id={titleId} className="mono">
          {webhook.url}
        </h3>
        <span className={`state ${webhook.active ? 'state-ACTIVE' : 'state-inactive'}`}>
          {webhook.active ? 'active' : 'inactive'}
        </span>
      </div>
      {webhook.description && <p>{webhook.description}</p>}
      <p>
        <span className="hint">Events: </span>
        {webhook.events.join(', ')}
      </p>
      {webhook.disabledReason && (
        <p className="problem-detail">
          Disabled <When at={webhook.disabledAt} />: {webhook.disabledReason}
        </p>
      )}
      <FailedDeliveries webhook={webhook} />
    </article>
  );
}

function FailedDeliveries({ webhook }: { webhook: Webhook }) {
  const failed = useLoad(
    () =>
      unwrap(
        api.GET('/api/webhooks/{id}/deliveries', {
          params: { path: { id: webhook.id }, query: { status: 'FAILED', limit: 20 } },
        }),
      ),
    [webhook.id],
  );
  // Deliveries retried here, as the API answered the retry: they are no longer FAILED.
  const [retried, setRetried] = useState<Record<string, Delivery>>({});
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();

  async function retry(delivery: Delivery) {
    setBusy(delivery.id);
    setError(undefined);
    try {
      const answer = await unwrap(
        api.POST('/api/webhooks/{id}/deliveries/{deliveryId}/retry', {
          params: { path: { id: webhook.id, deliveryId: delivery.id } },
        }),
      );
      setRetried((previous) => ({ ...previous, [answer.id]: answer }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  }

  const page = failed.data;
  const tableLabel = `Failed deliveries to ${webhook.url}`;
  return (
    <>
      <h4>
        Failed deliveries
        {page && page.total > page.items.length ? ` (latest ${page.items.length} of ${page.total})` : ''}
      </h4>
      {failed.loading && !page && <Loading what="Loading the failed deliveries" />}
      <ProblemView error={failed.error} />
      <ProblemView error={error} />
      {page && page.items.length === 0 && <Empty>No failed delivery.</Empty>}
      {page && page.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label={tableLabel}>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last status code</th>
                <th scope="col">Last error</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((listed) => {
                const delivery = retried[listed.id] ?? listed;
                return (
                  <tr key={delivery.id}>
                    <th scope="row">
                      {delivery.eventType}
                      <div className="hint mono">{delivery.eventId}</div>
                    </th>
                    <td>
                      <span className={`state state-${delivery.status}`}>{delivery.status}</span>
                    </td>
                    <td>{delivery.attempts}</td>
                    <td>{delivery.lastStatusCode ?? '—'}</td>
                    <td>{delivery.lastError ?? '—'}</td>
                    <td>
                      <When at={delivery.lastAttemptAt} />
                    </td>
                    <td>
                      {retried[listed.id] ? (
                        <span className="hint">
                          due <When at={delivery.nextAttemptAt} />
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Retry the ${delivery.eventType} delivery ${delivery.id}`}
                          disabled={busy === delivery.id}
                          onClick={() => void retry(delivery)}
                        >
                          Retry
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
