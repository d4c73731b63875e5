/** One look at the primary and the replica, taken together. */
export interface ReplicaSample {
  /** When the primary's position was read (ms, monotonic clock): writes heard before it are covered by it. */
  sampledAt: number;
  /** The primary's WAL position when sampled. */
  primaryPosition: bigint;
  /** The replica's last replayed position, or null when it is not a replica in recovery (promoted, say). */
  replayedPosition: bigint | null;
  /** The commit time of the last transaction the replica replayed. */
  replayedAt: Date | null;
  /** The replica's clock when sampled. */
  replicaNow: Date;
}

/** Whether a replica-safe read may go to the replica, and how fresh its data is. */
export type ReplicaVerdict =
  | { use: true; asOf: Date; lagMs: number }
  | { use: false; reason: 'down' | 'not-a-replica' | 'lagging' | 'own-write-not-replayed'; lagMs?: number };

/**
 * Decides replica reads from the last sample, with no I/O: a replica is read when it is in
 * recovery, at most `maxLagMs` behind, and has replayed every write this instance heard
 * of (`required`, the primary's position sampled after the write was heard). Lag is zero
 * when it has replayed all the primary had; otherwise it is the age of the last commit it
 * replayed, which overstates it when the primary is quiet and never understates it.
 */
export class ReplicaFreshness {
  private sample: ReplicaSample | null = null;
  private down = true;
  /** A write heard since this time (monotonic ms) that no sample covers yet. */
  private unsampledWriteSince: number | null = null;
  private required = 0n;

  constructor(private readonly maxLagMs: number) {}

  /** This instance heard of a committed write that replica-safe reads show. */
  noteWrite(now: number): void {
    this.unsampledWriteSince ??= now;
  }

  record(sample: ReplicaSample): void {
    this.sample = sample;
    this.down = false;
    if (this.unsampledWriteSince !== null && sample.sampledAt > this.unsampledWriteSince) {
      if (sample.primaryPosition > this.required) this.required = sample.primaryPosition;
      this.unsampledWriteSince = null;
    }
  }

  recordDown(): void {
    this.down = true;
  }

  verdict(): ReplicaVerdict {
    const sample = this.sample;
    if (this.down || !sample) return { use: false, reason: 'down' };
    if (sample.replayedPosition === null) return { use: false, reason: 'not-a-replica' };
    const caughtUp = sample.replayedPosition >= sample.primaryPosition;
    const lagMs = caughtUp
      ? 0
      : sample.replayedAt
        ? Math.max(0, sample.replicaNow.getTime() - sample.replayedAt.getTime())
        : Number.POSITIVE_INFINITY;
    if (lagMs > this.maxLagMs) return { use: false, reason: 'lagging', lagMs };
    if (this.unsampledWriteSince !== null || sample.replayedPosition < this.required) {
      return { use: false, reason: 'own-write-not-replayed', lagMs };
    }
    return { use: true, lagMs, asOf: caughtUp ? sample.replicaNow : (sample.replayedAt ?? sample.replicaNow) };
  }
}
