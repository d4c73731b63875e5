import { ReplicaFreshness, ReplicaSample } from './replica-freshness';
import { walPosition } from './wal-position';

const NOW = new Date('2026-12-07T12:00:00Z');

function sample(fields: Partial<ReplicaSample>): ReplicaSample {
  return {
    sampledAt: 100,
    primaryPosition: 500n,
    replayedPosition: 500n,
    replayedAt: new Date(NOW.getTime() - 60_000),
    replicaNow: NOW,
    ...fields,
  };
}

describe('ReplicaFreshness', () => {
  it('reads nothing from a replica it has not sampled, or whose last sample failed', () => {
    const freshness = new ReplicaFreshness(1000);
    expect(freshness.verdict()).toEqual({ use: false, reason: 'down' });
    freshness.record(sample({}));
    freshness.recordDown();
    expect(freshness.verdict()).toEqual({ use: false, reason: 'down' });
  });

  it('serves a caught-up replica as current, however old its last replayed commit', () => {
    const freshness = new ReplicaFreshness(1000);
    freshness.record(sample({}));
    expect(freshness.verdict()).toEqual({ use: true, lagMs: 0, asOf: NOW });
  });

  it('dates a replica that is behind by its last replayed commit, and drops it past the bound', () => {
    const freshness = new ReplicaFreshness(1000);
    freshness.record(sample({ replayedPosition: 400n, replayedAt: new Date(NOW.getTime() - 300) }));
    expect(freshness.verdict()).toEqual({ use: true, lagMs: 300, asOf: new Date(NOW.getTime() - 300) });

    freshness.record(sample({ replayedPosition: 400n, replayedAt: new Date(NOW.getTime() - 1001) }));
    expect(freshness.verdict()).toEqual({ use: false, reason: 'lagging', lagMs: 1001 });
  });

  it('does not read a server that is no longer in recovery (promoted) as a replica', () => {
    const freshness = new ReplicaFreshness(1000);
    freshness.record(sample({ replayedPosition: null }));
    expect(freshness.verdict()).toEqual({ use: false, reason: 'not-a-replica' });
  });

  it('sends reads to the primary after a write until a later sample shows the replica past it', () => {
    const freshness = new ReplicaFreshness(1000);
    freshness.record(sample({ sampledAt: 100 }));
    freshness.noteWrite(150);
    expect(freshness.verdict()).toMatchObject({ use: false, reason: 'own-write-not-replayed' });

    // Sampled before the write was heard: it cannot cover it.
    freshness.record(sample({ sampledAt: 140, primaryPosition: 600n, replayedPosition: 600n }));
    expect(freshness.verdict()).toMatchObject({ use: false, reason: 'own-write-not-replayed' });

    // Sampled after: the primary is at 700, the replica not yet.
    freshness.record(sample({ sampledAt: 160, primaryPosition: 700n, replayedPosition: 650n, replayedAt: NOW }));
    expect(freshness.verdict()).toMatchObject({ use: false, reason: 'own-write-not-replayed' });

    // The replica replays past the write while the primary moves on: served again.
    freshness.record(sample({ sampledAt: 200, primaryPosition: 800n, replayedPosition: 700n, replayedAt: NOW }));
    expect(freshness.verdict()).toMatchObject({ use: true });
  });
});

describe('walPosition', () => {
  it('orders positions as PostgreSQL prints them', () => {
    expect(walPosition('0/16B3748')).toBe(0x16b3748n);
    expect(walPosition('1/0')! > walPosition('0/FFFFFFFF')!).toBe(true);
    expect(walPosition(null)).toBeNull();
    expect(walPosition('nonsense')).toBeNull();
  });
});
