import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Env } from '../shared/config';
import { connectRedis, RedisConnection, redisTargetOf } from '../shared/queue';

/** Pings the Redis server behind the job queue over a connection of its own. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly client: RedisConnection;

  constructor(
    config: ConfigService<Env, true>,
    private readonly indicators: HealthIndicatorService,
  ) {
    const target = redisTargetOf({
      REDIS_URL: config.get('REDIS_URL', { infer: true }),
      REDIS_CLUSTER_NODES: config.get('REDIS_CLUSTER_NODES', { infer: true }),
    });
    this.client = connectRedis(target, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      // No background reconnect loop: each check connects again if it must.
      retryStrategy: () => null,
      // ioredis waits this long for a socket that never connected to close; keep it short
      // so a failed probe leaves no timer behind.
      disconnectTimeout: 100,
    });
    // Connection errors are reported by the check; without a listener ioredis logs them.
    this.client.on('error', () => undefined);
  }

  async isHealthy(key: string) {
    const indicator = this.indicators.check(key);
    try {
      if (this.client.status === 'wait' || this.client.status === 'end') await this.client.connect();
      await this.client.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
