import { randomUUID } from 'node:crypto';
import {
  auditDrift,
  BYSTANDER_UNITS,
  closingRowsOf,
  ledgerOf,
  line,
  newStockedVariant,
  newVariantWithBystander,
  reserve,
  stockOf,
} from '../support/inventory.factory';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Races over HTTP on reservations and stock: the answers each racer gets, and counters,
 * ledger and active reservations that agree afterwards.
 */
describe('inventory under concurrency', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '20' });
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await auditDrift(t)).toEqual([]);
  });

  describe('transitions racing each other', () => {
    it('lets one of two concurrent cancels win and answers the other 409', async () => {
      const variant = await newVariantWithBystander(t);
      const reservation = await reserve(t, 'canceller', [line(variant, 3)]);

      const responses = await Promise.all(
        [1, 2].map(() =>
          t.http.post(`/api/reservations/${reservation.id}/cancel`).set('authorization', t.customer('canceller')),
        ),
      );

      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      expect(await closingRowsOf(t, variant, reservation.id)).toHaveLength(1);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 10, reserved: BYSTANDER_UNITS });
    });
  });

  it('keeps counters and ledger in step while adjustments race with reservations', async () => {
    const variant = await newStockedVariant(t, { onHand: 20 });

    await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, index) => reserve(t, `adjust-race-${index}`, [line(variant, 1)])),
      ...Array.from({ length: 10 }, () =>
        t.http
          .post(`/api/inventory/${variant.id}/adjustments`)
          .set('authorization', t.admin)
          .set('idempotency-key', randomUUID())
          .send({ delta: -1, reason: 'DAMAGE' }),
      ),
    ]);

    const stock = await stockOf(t, variant.id);
    expect(stock.reserved).toBeLessThanOrEqual(stock.onHand);
    const ledger = await ledgerOf(t, variant.id);
    expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(stock.onHand);
  });
});
