import { AppProcess } from './support/app-process';
import { faultEnvironment, FaultEnvironment } from './support/environment';
import { sleep } from './support/processes';

const DOWN_MS = 20_000;

describe('start-up while PostgreSQL is down for 20 s', () => {
  let f: FaultEnvironment;

  beforeAll(async () => {
    f = await faultEnvironment({}, { start: false });
  }, 120_000);

  afterAll(async () => {
    await f?.destroy();
  });

  it('keeps trying, one JSON log line per attempt, and comes up by itself once PostgreSQL is back', async () => {
    const { app, cluster } = f;
    await cluster.stopServer('fast');
    app.start();
    await sleep(DOWN_MS);
    expect(app.exitCode).toBeNull();
    await cluster.startServer();
    const backAt = Date.now();

    await app.waitUntilReady(60_000);

    const waits = app.logs.filter((line) => line.msg === 'PostgreSQL is not reachable yet; retrying');
    console.log(
      JSON.stringify({ scenario: 'startup', attempts: waits.length, readyMsAfterPostgres: Date.now() - backAt }),
    );
    expect(waits.length).toBeGreaterThan(3);
    expect(waits.every((line) => line.level === 40 && typeof line.attempt === 'number')).toBe(true);
    expect(app.logs.filter((line) => line.level === 0)).toEqual([]);
  }, 150_000);

  it('gives up after DATABASE_STARTUP_TIMEOUT_SECONDS with one JSON line, not a stack', async () => {
    const { cluster } = f;
    await cluster.stopServer('fast');
    const app = await AppProcess.create({
      DATABASE_URL: cluster.url(),
      REDIS_URL: f.redis.url,
      DATABASE_STARTUP_TIMEOUT_SECONDS: '2',
    });
    app.start();
    const deadline = Date.now() + 60_000;
    while (app.exitCode === null && Date.now() < deadline) await sleep(200);

    expect(app.exitCode).toBe(1);
    const fatal = app.logs.filter((line) => line.level === 60);
    expect(fatal).toEqual([expect.objectContaining({ msg: 'The service could not start' })]);
    expect(app.logs.filter((line) => line.level === 0)).toEqual([]);
    await cluster.startServer();
  }, 90_000);
});
