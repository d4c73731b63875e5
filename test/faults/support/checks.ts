import { FaultEnvironment } from './environment';
import { eventually } from './processes';
import { audit, reservationCounts, strandedCarts } from './shop';
import { ShopperRun } from './shoppers';

/**
 * What must hold after any fault, once the service is back: every reservation a client
 * was given exists exactly once, no customer was told their cart was empty for a checkout
 * that had gone through, no cart is stranded checked out, and the audit is clean.
 */
export async function expectPromisesKept(f: FaultEnvironment, run: ShopperRun, reconcileWithinMs: number) {
  const given = run.outcomes.flatMap((outcome) => (outcome.reservationId ? [outcome.reservationId] : []));
  expect(given.length).toBeGreaterThan(0);
  const counts = await reservationCounts(f.cluster, given);
  expect(given.filter((id) => counts.get(id) !== 1)).toEqual([]);
  expect(new Set(given).size).toBe(given.length);

  // Each customer checked out one cart once; a retry must find that reservation, not "empty".
  expect(run.outcomes.filter((outcome) => outcome.finalStatus === 409)).toEqual([]);
  const perCustomer = await f.cluster.withClient('commerce', async (client) => {
    const { rows } = await client.query(
      `SELECT owner_id, count(*)::int AS n FROM reservations GROUP BY owner_id HAVING count(*) > 1`,
    );
    return rows;
  });
  expect(perCustomer).toEqual([]);

  await eventually(async () => expect(await strandedCarts(f.cluster)).toEqual([]), reconcileWithinMs);
  expect(await audit(f.app)).toMatchObject({ consistent: true, drift: [], stuck: [] });
}
