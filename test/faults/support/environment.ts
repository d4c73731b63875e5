import { AppProcess } from './app-process';
import { PrivateCluster } from './postgres-cluster';
import { PrivateRedis } from './redis-server';

export interface FaultEnvironment {
  cluster: PrivateCluster;
  redis: PrivateRedis;
  app: AppProcess;
  destroy(): Promise<void>;
}

/**
 * A private PostgreSQL cluster and Redis, and the app on them (not yet started unless
 * `start` is left true). `destroy` stops and removes all three; it kills nothing else.
 */
export async function faultEnvironment(
  env: Record<string, string> = {},
  { start = true }: { start?: boolean } = {},
): Promise<FaultEnvironment> {
  const cluster = await PrivateCluster.start();
  await cluster.createDatabase();
  const redis = await PrivateRedis.start();
  const app = await AppProcess.create({
    DATABASE_URL: cluster.url(),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'faults',
    ...env,
  });
  if (start) {
    app.start();
    await app.waitUntilReady();
  }
  return {
    cluster,
    redis,
    app,
    destroy: async () => {
      await app.stop().catch(() => undefined);
      await redis.destroy().catch(() => undefined);
      await cluster.destroy().catch(() => undefined);
    },
  };
}
