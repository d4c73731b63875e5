import { parseMetrics, valueOf } from '../support/metrics';
import { AppProcess } from './support/app-process';
import { PrivateCluster } from './support/postgres-cluster';
import { eventually, sleep } from './support/processes';
import { PrivateRedis } from './support/redis-server';
import { call, seedCatalog, unexplainedServerErrors } from './support/shop';

const MAX_LAG_MS = 2000;

/** Replica-safe reads (catalog lists, the tree, delivery history) served so far, by where. */
async function servedBy(app: AppProcess): Promise<{ replica: number; primary: number; lagSeconds: number }> {
  const response = await fetch(`${app.url}/metrics`);
  const samples = parseMetrics(await response.text());
  return {
    replica: valueOf(samples, 'commerce_replica_safe_reads', { served_by: 'replica' }),
    primary: valueOf(samples, 'commerce_replica_safe_reads', { served_by: 'primary' }),
    lagSeconds: valueOf(samples, 'commerce_replica_lag_seconds'),
  };
}

/** Lists products until one named `name` shows, or fails after `timeoutMs`. */
async function listedProducts(app: AppProcess, search: string): Promise<string[]> {
  const answer = await call(app, 'GET', `/api/products?limit=100&search=${encodeURIComponent(search)}`);
  if (answer.status !== 200) throw new Error(`products answered ${answer.status}`);
  return (answer.body?.items as { name: string }[]).map((product) => product.name);
}

describe('A streaming replica for replica-safe reads', () => {
  let primary: PrivateCluster;
  let replica: PrivateCluster;
  let redis: PrivateRedis;
  let app: AppProcess;
  let admin: string;
  let categoryId: number;

  beforeAll(async () => {
    primary = await PrivateCluster.start();
    await primary.createDatabase();
    replica = await PrivateCluster.replicaOf(primary);
    redis = await PrivateRedis.start();
    app = await AppProcess.create({
      DATABASE_URL: primary.url(),
      DATABASE_REPLICA_URL: replica.url(),
      REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'faults',
    });
    app.start();
    await app.waitUntilReady();
    admin = app.token('ops', { admin: true });
    await seedCatalog(app, 2, 10, 'Replica');
    const categories = await call(app, 'GET', '/api/products/categories?limit=10');
    categoryId = (categories.body?.items as { id: number }[])[0].id;
  }, 180_000);

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await redis?.destroy().catch(() => undefined);
    await replica?.destroy().catch(() => undefined);
    await primary?.destroy().catch(() => undefined);
  });

  it('serves catalog lists from the replica once it has caught up', async () => {
    const before = await servedBy(app);
    await eventually(async () => {
      for (let index = 0; index < 10; index++)
        expect((await call(app, 'GET', '/api/products?limit=5')).status).toBe(200);
      expect((await servedBy(app)).replica).toBeGreaterThan(before.replica);
    }, 10_000);
    const after = await servedBy(app);
    console.log(JSON.stringify({ scenario: 'replica reads', ...after }));
  }, 30_000);

  it('shows an admin their own write at once, which the replica has not replayed', async () => {
    // Fresh: the replica has just replayed a commit, so its lag is well within the bound.
    await call(app, 'POST', '/api/products', { token: admin, body: { name: 'Fresh', categoryId, basePrice: '5.00' } });
    await eventually(async () => {
      const before = await servedBy(app);
      expect(await listedProducts(app, 'Fresh')).toEqual(['Fresh']);
      expect((await servedBy(app)).replica).toBe(before.replica + 1);
    }, 5000);
    await replica.pauseReplay(true);
    try {
      const before = await servedBy(app);
      await listedProducts(app, 'Fresh');
      expect((await servedBy(app)).replica).toBe(before.replica + 1);

      const seen: boolean[] = [];
      for (let index = 0; index < 5; index++) {
        const name = `Own write ${index}`;
        const created = await call(app, 'POST', '/api/products', {
          token: admin,
          body: { name, categoryId, basePrice: '5.00' },
        });
        expect(created.status).toBe(201);
        seen.push((await listedProducts(app, name)).includes(name));
      }
      expect(seen).toEqual([true, true, true, true, true]);
      const onReplica = await replica.withClient('commerce', (client) =>
        client.query(`SELECT count(*)::int AS n FROM products WHERE name LIKE 'Own write%'`),
      );
      expect(onReplica.rows[0].n).toBe(0);
    } finally {
      await replica.pauseReplay(false);
    }
  }, 60_000);

  it('sends reads to the primary while the replica lags past the bound, and back once it catches up', async () => {
    await replica.pauseReplay(true);
    try {
      // A write the app does not hear of: only the lag can tell the replica is behind.
      await primary.withClient('commerce', (client) =>
        client.query(`INSERT INTO products (name, category_id, base_price_minor) VALUES ('Written behind', $1, 100)`, [
          categoryId,
        ]),
      );
      await sleep(MAX_LAG_MS + 500);
      const lagging = await servedBy(app);
      expect(lagging.lagSeconds).toBeGreaterThan(MAX_LAG_MS / 1000);
      expect(await listedProducts(app, 'Written behind')).toEqual(['Written behind']);
      expect((await servedBy(app)).primary).toBeGreaterThan(lagging.primary);
    } finally {
      await replica.pauseReplay(false);
    }
    const caughtUp = await servedBy(app);
    await eventually(async () => {
      await listedProducts(app, 'Written behind');
      expect((await servedBy(app)).replica).toBeGreaterThan(caughtUp.replica);
    }, 10_000);
  }, 60_000);

  it('serves every read from the primary while the replica is down, without an error', async () => {
    await replica.stopServer('immediate');
    try {
      const answers = [];
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        answers.push(await call(app, 'GET', '/api/products?limit=5'));
        answers.push(await call(app, 'GET', `/api/products?limit=5&categoryId=${categoryId}`));
        answers.push(await call(app, 'GET', '/api/products/categories?limit=5'));
      }
      expect(unexplainedServerErrors(answers)).toEqual([]);
      expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      expect(await listedProducts(app, 'Written behind')).toEqual(['Written behind']);
    } finally {
      await replica.startServer();
    }
    const restarted = await servedBy(app);
    await eventually(async () => {
      await listedProducts(app, 'Own write');
      expect((await servedBy(app)).replica).toBeGreaterThan(restarted.replica);
    }, 15_000);
  }, 60_000);
});
