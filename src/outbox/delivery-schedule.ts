/**
 * Parses a retry schedule: the delays in seconds after the 1st, 2nd, ... failed attempt,
 * comma-separated. After the last one a delivery is failed.
 */
export function parseRetrySchedule(text: string): number[] {
  return text.split(',').map((part) => Number(part.trim()));
}

/**
 * The delay before the next attempt once `attemptsMade` attempts have failed, or null when
 * the schedule is used up. Longer delays are spread by ±10 % so that the deliveries an
 * outage held back do not all return at the same second.
 */
export function retryDelaySeconds(
  schedule: readonly number[],
  attemptsMade: number,
  random = Math.random,
): number | null {
  const delay = schedule[attemptsMade - 1];
  if (delay === undefined) return null;
  return delay >= 60 ? Math.round(delay * (0.9 + 0.2 * random())) : delay;
}

/** Sends one target (a subscription or a consumer) may have in flight: a quarter of all, so a slow one holds only its own. */
export function perTargetConcurrency(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 4));
}
