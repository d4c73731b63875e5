import Redis, { Cluster, RedisOptions } from 'ioredis';
import { Env } from '../config';

/** A connection to the shop's Redis: one server, or a Redis Cluster when REDIS_CLUSTER_NODES is set. */
export type RedisConnection = Redis | Cluster;

/** Where to connect: the cluster's nodes when there are any, else the server at `url`. */
export interface RedisTarget {
  url: string;
  clusterNodes: { host: string; port: number }[] | null;
}

/** The Redis of the configuration (REDIS_URL, or `url` in its place, unless REDIS_CLUSTER_NODES is set). */
export function redisTargetOf(
  env: Pick<Env, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>,
  url: string = env.REDIS_URL,
): RedisTarget {
  const clusterNodes = env.REDIS_CLUSTER_NODES
    ? env.REDIS_CLUSTER_NODES.split(',').map((node) => {
        const [host, port] = node.split(':');
        return { host, port: Number(port) };
      })
    : null;
  return { url, clusterNodes };
}

/** Opens a connection with `options` to the target. */
export function connectRedis(target: RedisTarget, options: RedisOptions): RedisConnection {
  const nodes = target.clusterNodes;
  if (nodes === null) return new Redis(target.url, options);
  const { enableOfflineQueue, lazyConnect, ...perNode } = options;
  return new Cluster(nodes, {
    enableOfflineQueue,
    lazyConnect,
    redisOptions: perNode,
    // A node that does not answer should not hold a request up longer than one server would.
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

/**
 * Bull's connections. On a cluster every queue key must hash to one slot, which the
 * hash tag QUEUE_PREFIX then carries (validated with the configuration).
 */
export function bullConnectionOptions(env: Env) {
  const target = redisTargetOf(env);
  if (target.clusterNodes === null) return { redis: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
  return {
    prefix: env.QUEUE_PREFIX,
    // The blocking and subscribing connections must wait as long as they need (Bull's rule).
    createClient: (type: 'client' | 'subscriber' | 'bclient', redisOptions?: RedisOptions) =>
      connectRedis(
        target,
        type === 'client'
          ? { ...redisOptions }
          : { ...redisOptions, maxRetriesPerRequest: null, enableReadyCheck: false },
      ),
  };
}
