import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Env } from '../shared/config';
import {
  clientWithTransactionTimeouts,
  configuredTransactionTimeouts,
  EFFECTIVE_TIMEOUTS_SQL,
  TRANSACTION_START,
  TransactionTimeouts,
  timeoutsNotInForce,
} from '../shared/database';

const PROBE_TIMEOUT_MS = 1_000;

/**
 * Asks PostgreSQL itself, over a connection of its own, whether it serves: a probe
 * through the request pool would queue behind request traffic and report a busy pool
 * (or one locked row) as a database that is down, taking every instance out of the
 * load balancer at once. It opens a transaction as the service does and checks that the
 * configured timeouts are in force there: an instance whose row-lock waits are unbounded
 * (a pooler that drops them, say) is not ready.
 */
@Injectable()
export class PostgresHealthIndicator {
  private readonly timeouts: TransactionTimeouts;
  private readonly ProbeClient: ReturnType<typeof clientWithTransactionTimeouts>;

  constructor(
    private readonly config: ConfigService<Env, true>,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.timeouts = configuredTransactionTimeouts(config);
    this.ProbeClient = clientWithTransactionTimeouts(this.timeouts);
  }

  async isHealthy(key: string) {
    const indicator = this.indicators.check(key);
    const client = new this.ProbeClient({
      connectionString: this.config.get('DATABASE_URL', { infer: true }),
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      query_timeout: PROBE_TIMEOUT_MS,
      application_name: 'commerce-api-readiness',
    });
    // A server that goes away mid-probe emits an error the query also reports.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(TRANSACTION_START);
      const { rows } = await client.query<{ name: string; ms: number }>(EFFECTIVE_TIMEOUTS_SQL);
      await client.query('ROLLBACK');
      const missing = timeoutsNotInForce(rows, this.timeouts);
      if (missing.length > 0) return indicator.down({ message: `Timeouts not in force: ${missing.join('; ')}` });
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
