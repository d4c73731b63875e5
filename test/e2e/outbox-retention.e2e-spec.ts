import { randomUUID } from 'node:crypto';
import { OutboxMaintenanceProcessor } from '../../src/outbox/outbox-maintenance.processor';
import { startIsolatedTestApp, TestApp } from '../support/test-app';

/** Settled events and deliveries older than OUTBOX_RETENTION_HOURS go; anything still to deliver stays. */
describe('outbox retention', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startIsolatedTestApp('outbox-retention', { OUTBOX_RETENTION_HOURS: '24' });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** An event written `ageHours` ago, dispatched, with one delivery of `status` to an internal target. */
  async function eventAged(ageHours: number, status: 'PENDING' | 'DELIVERED' | 'FAILED' | null): Promise<string> {
    const id = randomUUID();
    const [{ seq }]: { seq: string }[] = await t.dataSource.query(
      `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, occurred_at, dispatched_at)
       VALUES ($1, 'stock.changed', 'stock', '1', '{}', now() - make_interval(hours => $2), now() - make_interval(hours => $2))
       RETURNING seq`,
      [id, ageHours],
    );
    if (status) {
      await t.dataSource.query(
        `INSERT INTO event_deliveries (id, event_seq, target, aggregate_key, status, attempts, created_at, next_attempt_at)
         VALUES ($1, $2, 'retention-test', 'stock:1', $3::varchar, 1, now() - make_interval(hours => $4),
                 CASE WHEN $3::varchar = 'PENDING' THEN now() + interval '1 day' END)`,
        [randomUUID(), seq, status, ageHours],
      );
    }
    return id;
  }

  async function remaining(ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await t.dataSource.query('SELECT id FROM outbox_events WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
    return rows.map((row) => row.id);
  }

  it('purges settled events past the retention age with their deliveries, and keeps the rest', async () => {
    const oldDelivered = await eventAged(30, 'DELIVERED');
    const oldFailed = await eventAged(30, 'FAILED');
    const oldUnwanted = await eventAged(30, null);
    const oldPending = await eventAged(30, 'PENDING');
    const recentDelivered = await eventAged(2, 'DELIVERED');

    const purged = await t.get(OutboxMaintenanceProcessor).purge();

    expect(purged.events).toBeGreaterThanOrEqual(3);
    expect((await remaining([oldDelivered, oldFailed, oldUnwanted, oldPending, recentDelivered])).sort()).toEqual(
      [oldPending, recentDelivered].sort(),
    );
    const [{ count }]: { count: string }[] = await t.dataSource.query(
      `SELECT count(*) FROM event_deliveries WHERE target = 'retention-test' AND status = 'PENDING'`,
    );
    expect(Number(count)).toBe(1);
  });
});
