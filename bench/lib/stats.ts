/** The p-th percentile (nearest rank) of the values; 0 when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Rounds to `digits` decimals, for reports. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The median of the values (the mean of the middle two for an even count); undefined when there are none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Buckets 1 % wide from 0.01 ms: a percentile read from them is at most 1 % above the exact one. */
const BUCKET_FLOOR_MS = 0.01;
const BUCKET_GROWTH = 1.01;

/**
 * Latencies counted in buckets, for runs too long to keep every value (a soak): memory
 * stays at a few thousand buckets however long it runs.
 */
export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  record(ms: number): void {
    const bucket = ms <= BUCKET_FLOOR_MS ? 0 : Math.ceil(Math.log(ms / BUCKET_FLOOR_MS) / Math.log(BUCKET_GROWTH));
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.total++;
  }

  /** The p-th percentile (nearest rank), as its bucket's upper bound; 0 when there are none. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.min(this.total, Math.max(1, Math.ceil((p / 100) * this.total)));
    let seen = 0;
    let bucket = 0;
    for (bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket) ?? 0;
      if (seen >= rank) break;
    }
    return BUCKET_FLOOR_MS * BUCKET_GROWTH ** bucket;
  }
}
