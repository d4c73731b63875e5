import { useState, type FormEvent } from 'react';
import { api, ApiError, session, unwrap } from './api/client';
import { ProblemView } from './components/ProblemView';

/**
 * Pasting a token signs in for this tab. The token is tried on an admin route first: a
 * customer's token is told it is not an admin's, and is not kept.
 */
export function SignIn({ ended, onSignedIn }: { ended: boolean; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = token.trim().replace(/^Bearer\s+/i, '');
    if (!candidate) return;
    setChecking(true);
    setError(undefined);
    session.signIn(candidate);
    try {
      await unwrap(api.GET('/api/webhooks', { params: { query: { limit: 1 } } }));
      onSignedIn();
    } catch (failure) {
      session.signOut();
      if (failure instanceof ApiError && failure.problem.status === 403) {
        setError(
          new ApiError({
            ...failure.problem,
            title: 'This token is not an admin’s',
            detail: 'The console is for staff. Mint an admin token with `npx commerce token --sub <you> --admin`.',
          }),
        );
      } else {
        setError(failure);
      }
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Commerce console</h1>
      {ended && !error && (
        <p className="notice" role="status">
          Your session ended: the API no longer accepts the token (it expired, or the secret changed). Sign in again to
          go on where you were.
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <label htmlFor="token">Admin token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          placeholder="eyJhbGciOi…"
          autoFocus
          required
        />
        <p className="hint">
          In development: <code>npx commerce token --sub you --admin</code>. The token stays in this tab only.
        </p>
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ProblemView error={error} />
    </main>
  );
}
