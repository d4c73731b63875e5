import { AppProcess } from './support/app-process';
import { PrivateCluster } from './support/postgres-cluster';
import { eventually } from './support/processes';
import { PrivateRedisCluster } from './support/redis-cluster';
import { call, fillCart, seedCatalog } from './support/shop';

/**
 * The app on a real three-master Redis Cluster: Bull's queues (whose scripts touch
 * several keys at once) work only if all their keys hash to one slot, which the hash
 * tag in QUEUE_PREFIX gives them.
 */
describe('On a Redis Cluster', () => {
  let postgres: PrivateCluster;
  let redis: PrivateRedisCluster;
  let app: AppProcess;

  beforeAll(async () => {
    postgres = await PrivateCluster.start();
    await postgres.createDatabase();
    redis = await PrivateRedisCluster.start();
    app = await AppProcess.create({
      DATABASE_URL: postgres.url(),
      REDIS_CLUSTER_NODES: redis.nodes,
      QUEUE_PREFIX: '{shop}',
      RESERVATION_TTL_SECONDS: '2',
      // An hour: only the reservation's own delayed job can expire it within the test.
      RESERVATION_SWEEP_SECONDS: '3600',
      RATE_LIMIT_PER_MINUTE: '1000',
    });
    app.start();
    await app.waitUntilReady();
  }, 180_000);

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await redis?.destroy().catch(() => undefined);
    await postgres?.destroy().catch(() => undefined);
  });

  it("runs a checkout's delayed expiry through Bull, with every queue key in one slot", async () => {
    const [variantId] = await seedCatalog(app, 1, 5);
    const token = app.token('cluster-buyer');
    await fillCart(app, token, variantId, 2);
    const checkout = await call(app, 'POST', '/api/cart/checkout', { token });
    expect(checkout.status).toBe(201);

    await eventually(async () => {
      const stock = await call(app, 'GET', `/api/inventory/${variantId}`, { token });
      if (stock.body?.reserved !== 0) throw new Error(`still reserved: ${JSON.stringify(stock.body)}`);
    }, 30_000);
    const expired = await postgres.withClient('commerce', async (client) => {
      const { rows } = await client.query(`SELECT status FROM reservations WHERE id = $1`, [checkout.body?.id]);
      return rows[0]?.status;
    });
    expect(expired).toBe('EXPIRED');

    const keys = await redis.keysByNode('{shop}:*');
    const holders = [...keys].filter(([, held]) => held.length > 0);
    expect(holders).toHaveLength(1);
    expect(holders[0][1]).toEqual(expect.arrayContaining([expect.stringMatching(/^\{shop\}:reservations:/)]));
    expect((await call(app, 'GET', '/health/ready')).status).toBe(200);
    expect(app.logs.filter((line) => line.level >= 50)).toEqual([]);
  }, 60_000);
});
