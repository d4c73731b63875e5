import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change or `reload` is called; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [round, setRound] = useState(0);
  const request = [...deps, round];
  // Each answer remembers the request it answers, so "loading" is derived, never set by the effect.
  const [answer, setAnswer] = useState<{ request?: unknown[]; data?: T; error?: unknown }>({});
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setAnswer({ request, data }),
      (error: unknown) => current && setAnswer({ request, error }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, request);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  const loading = !answer.request || !sameValues(answer.request, request);
  return { data: answer.data, error: answer.error, loading, reload };
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((value, index) => Object.is(value, b[index]));

/** The seconds left until `at`, ticking every second; negative once it has passed. */
export function useCountdown(at: string | Date): number {
  const target = new Date(at).getTime();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [target]);
  return Math.round((target - now) / 1000);
}
