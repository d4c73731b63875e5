import { AppProcess } from './app-process';
import { PrivateCluster } from './postgres-cluster';
import { PrivateRedis } from './redis-server';

export interface FaultEnvironment {
  cluster: PrivateCluster;
  redis: PrivateRedis;
  app: AppProcess;
  destroy(): Promise<void>;
}

/** Something the app reaches the cluster through (a pooler): the settings that point the app at it. */
export interface InFront {
  env: Record<string, string>;
  destroy(): Promise<void>;
}

/**
 * A private PostgreSQL cluster and Redis, and the app on them (not yet started unless
 * `start` is left true), through what `inFront` puts before the cluster if given.
 * `destroy` stops and removes them all; it kills nothing else.
 */
export async function faultEnvironment(
  env: Record<string, string> = {},
  { start = true, inFront }: { start?: boolean; inFront?: (cluster: PrivateCluster) => Promise<InFront> } = {},
): Promise<FaultEnvironment> {
  const cluster = await PrivateCluster.start();
  await cluster.createDatabase();
  const redis = await PrivateRedis.start();
  const front = await inFront?.(cluster);
  const app = await AppProcess.create({
    DATABASE_URL: cluster.url(),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'faults',
    ...front?.env,
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
      await front?.destroy().catch(() => undefined);
      await redis.destroy().catch(() => undefined);
      await cluster.destroy().catch(() => undefined);
    },
  };
}
