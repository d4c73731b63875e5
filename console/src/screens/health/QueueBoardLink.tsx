import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';

const QUEUE_BOARD = '/admin/queues';

/**
 * The board reads no bearer header from a page load, so the API first sets its session
 * cookie (HttpOnly, for the board's path only); then this tab goes there.
 */
export function QueueBoardLink() {
  const [error, setError] = useState<unknown>();
  const [opening, setOpening] = useState(false);

  async function open() {
    setOpening(true);
    setError(undefined);
    try {
      await unwrap(api.POST('/api/admin/queue-board/session'));
      window.location.assign(QUEUE_BOARD);
    } catch (failure) {
      setError(failure);
      setOpening(false);
    }
  }

  return (
    <section className="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <p className="hint">The Bull queue board: expiry jobs, the sweep and the maintenance jobs.</p>
      <button type="button" onClick={() => void open()} disabled={opening}>
        {opening ? 'Opening…' : 'Open the queue board'}
      </button>
      <ProblemView error={error} />
    </section>
  );
}
