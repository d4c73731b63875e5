import { expectPromisesKept } from './support/checks';
import { AppProcess } from './support/app-process';
import { FaultEnvironment } from './support/environment';
import { PrivateBouncer } from './support/pgbouncer';
import { PrivateCluster } from './support/postgres-cluster';
import { eventually, sleep } from './support/processes';
import { PrivateRedis } from './support/redis-server';
import { Answer, call, loops, seedCatalog, unexplainedServerErrors } from './support/shop';
import { runShoppers } from './support/shoppers';

const SWEEP_SECONDS = 2;

/**
 * A primary lost under checkout load: its synchronous replica is promoted and the pooler
 * the app connects through is pointed at it, as an operator or a failover manager does.
 * The app is not restarted.
 */
describe('Failover to a promoted replica behind PgBouncer', () => {
  let primary: PrivateCluster;
  let replica: PrivateCluster;
  let bouncer: PrivateBouncer;
  let redis: PrivateRedis;
  let app: AppProcess;

  beforeAll(async () => {
    primary = await PrivateCluster.start();
    await primary.createDatabase();
    replica = await PrivateCluster.replicaOf(primary);
    // Without it, a failover loses the last commits clients were told had succeeded.
    await primary.requireSynchronousStandby();
    bouncer = await PrivateBouncer.start(primary.port);
    redis = await PrivateRedis.start();
    app = await AppProcess.create({
      DATABASE_URL: bouncer.url(),
      DATABASE_LISTEN_URL: bouncer.sessionUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'faults',
      RESERVATION_SWEEP_SECONDS: String(SWEEP_SECONDS),
    });
    app.start();
    await app.waitUntilReady();
  }, 180_000);

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await bouncer?.destroy().catch(() => undefined);
    await redis?.destroy().catch(() => undefined);
    await replica?.destroy().catch(() => undefined);
    await primary?.destroy().catch(() => undefined);
  });

  it('answers 503 with Retry-After while no primary answers, never 500, and keeps every promise', async () => {
    const variants = await seedCatalog(app, 20, 10_000, 'Failover');
    let stopping = false;
    const readers: Answer[] = [];
    const load = Promise.all([
      runShoppers(app, variants, { concurrency: 6, stop: () => stopping, prefix: 'failover' }),
      loops(
        2,
        100_000,
        () => stopping,
        async (_loop, iteration) => {
          const variant = variants[iteration % variants.length];
          readers.push(await call(app, 'GET', `/api/inventory/${variant}`, { timeoutMs: 5000 }));
          readers.push(await call(app, 'GET', '/api/products?limit=5', { timeoutMs: 5000 }));
        },
      ),
    ]);

    await sleep(3000);
    const lostAt = Date.now();
    await primary.stopServer('immediate');
    // The time a failover manager takes to decide: no primary at all meanwhile.
    await sleep(2000);
    const readyWithoutPrimary = await call(app, 'GET', '/health/ready', { timeoutMs: 5000 });
    await replica.promote();
    await bouncer.pointAt(replica.port);
    const failedOverMs = Date.now() - lostAt;
    await sleep(6000);
    stopping = true;
    const [run] = await load;

    const answers = [...run.answers, ...readers];
    const unavailable = answers.filter((answer) => answer.status === 503);
    console.log(
      JSON.stringify({
        scenario: 'failover',
        failedOverMs,
        answers: answers.length,
        status500: answers.filter((answer) => answer.status === 500).length,
        status503: unavailable.length,
        slowest503Ms: Math.round(Math.max(0, ...unavailable.map((answer) => answer.ms))),
        noAnswer: answers.filter((answer) => answer.status === 0).length,
        customers: run.outcomes.length,
      }),
    );
    expect(unexplainedServerErrors(answers)).toEqual([]);
    expect(readyWithoutPrimary.status).toBe(503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((answer) => answer.body?.code === 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(app.logs.filter((line) => line.level >= 50)).toEqual([]);

    // Back to normal on the new primary without a restart.
    await eventually(async () => expect((await call(app, 'GET', '/health/ready')).status).toBe(200), 15_000);
    const environment = { cluster: replica, redis, app } as unknown as FaultEnvironment;
    await expectPromisesKept(environment, run, SWEEP_SECONDS * 1000 + 15_000);
  }, 150_000);
});
