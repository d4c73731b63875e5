import { faultEnvironment, FaultEnvironment } from './support/environment';
import { eventually, sleep } from './support/processes';
import { audit, call, fillCart, seedCatalog, strandedCarts } from './support/shop';

const TTL_SECONDS = 4;
const SWEEP_SECONDS = 2;

describe('Redis killed and restarted empty with reservations pending', () => {
  let f: FaultEnvironment;

  beforeAll(async () => {
    f = await faultEnvironment({
      RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
      RESERVATION_SWEEP_SECONDS: String(SWEEP_SECONDS),
      RESERVATION_STUCK_GRACE_SECONDS: '5',
    });
  }, 120_000);

  afterAll(async () => {
    await f?.destroy();
  });

  it('expires every reservation from the database, schedules its jobs again and gives the carts back', async () => {
    const { app, redis, cluster } = f;
    const variants = await seedCatalog(app, 3, 100);
    const customers = Array.from({ length: 20 }, (_, index) => app.token(`redis-loss-${index}`));
    for (const [index, customer] of customers.entries()) await fillCart(app, customer, variants[index % 3], 2);
    const reservations: string[] = [];
    for (const customer of customers) {
      const checkout = await call(app, 'POST', '/api/cart/checkout', { token: customer });
      expect(checkout.status).toBe(201);
      reservations.push(String(checkout.body?.id));
    }
    expect(await redis.keys('faults:reservations:*')).not.toEqual([]);

    // Every delayed expiry job and the repeatable schedules vanish with it.
    await redis.kill();
    await sleep(1000);
    await redis.startServer();
    const restartedAt = Date.now();
    expect(await redis.keys('faults:*')).toEqual([]);

    const expired = await eventually(
      async () => {
        const statuses = await cluster.withClient('commerce', (client) =>
          client.query(`SELECT status, count(*)::int AS n FROM reservations GROUP BY status`),
        );
        expect(statuses.rows).toEqual([{ status: 'EXPIRED', n: reservations.length }]);
        return Date.now();
      },
      (TTL_SECONDS + SWEEP_SECONDS + 8) * 1000,
    );
    console.log(
      JSON.stringify({ scenario: 'redis loss', allExpiredSecondsAfterRestart: (expired - restartedAt) / 1000 }),
    );

    for (const variant of variants) {
      expect((await call(app, 'GET', `/api/inventory/${variant}`)).body).toMatchObject({ reserved: 0, available: 100 });
    }
    expect(await redis.keys('faults:reservations:repeat*')).not.toEqual([]);
    expect(await redis.keys('faults:idempotency:repeat*')).not.toEqual([]);
    await eventually(async () => expect(await strandedCarts(cluster)).toEqual([]), SWEEP_SECONDS * 1000 + 8000);
    expect(await audit(app)).toMatchObject({ consistent: true, drift: [], stuck: [] });
  }, 120_000);
});
