import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Client } from 'pg';
import { Env } from '../shared/config';

const PROBE_TIMEOUT_MS = 1_000;

/**
 * Asks PostgreSQL itself, over a connection of its own, whether it serves: a probe
 * through the request pool would queue behind request traffic and report a busy pool
 * (or one locked row) as a database that is down, taking every instance out of the
 * load balancer at once.
 */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly config: ConfigService<Env, true>,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: string) {
    const indicator = this.indicators.check(key);
    const client = new Client({
      connectionString: this.config.get('DATABASE_URL', { infer: true }),
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      query_timeout: PROBE_TIMEOUT_MS,
      application_name: 'commerce-api-readiness',
    });
    // A server that goes away mid-probe emits an error the query also reports.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
