import { Pool } from 'pg';
import { TokenService } from '../../src/shared/auth';
import { BenchApp } from './bench-app';
import { LoadRequest, LoadResult, LoadSpec, runLoad } from './load';
import { BenchOptions } from './options';
import { round } from './stats';

/** What every scenario reports; scenarios add fields of their own. */
export interface ScenarioResult {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  limitThroughput?: number;
  ratio?: number;
  [field: string]: unknown;
}

/** A load run's figures as a scenario reports them. */
export function summary(result: LoadResult): ScenarioResult {
  return {
    throughput: result.throughput,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    appCpuMsPerRequest: result.appCpuMsPerRequest,
  };
}

export interface Seeded {
  categories: { rootId: number; topIds: number[]; leafIds: number[] };
  quoteVariantIds: number[];
  spreadVariantIds: number[];
  hotVariantId?: number;
  pgbenchHotVariantId?: number;
}

export class BenchContext {
  readonly adminToken: string;

  constructor(
    readonly options: BenchOptions,
    readonly app: BenchApp,
    readonly db: Pool,
    readonly databaseUrl: string,
    readonly redis: { url: string; prefix: string },
    readonly tokens: TokenService,
    readonly seeded: Seeded,
    /** The same app with its catalog read model off (CATALOG_CACHE_MAX_ENTRIES=0), for the read scenarios' comparison. */
    readonly uncachedApp?: BenchApp,
  ) {
    this.adminToken = tokens.issue({ sub: 'bench-admin', admin: true, expiresInSeconds: 4 * 3600 });
  }

  customerToken(customerId: string): string {
    return this.tokens.issue({ sub: customerId, tier: 'STANDARD', expiresInSeconds: 4 * 3600 });
  }

  /** A load run, with the CPU the app spent on it: a figure that a noisy machine moves far less than throughput. */
  async load(
    spec: Omit<LoadSpec, 'url' | 'connections'> & { connections?: number; app?: BenchApp },
  ): Promise<LoadResult> {
    const { app = this.app, ...load } = spec;
    const cpuBefore = app.cpuMs();
    const result = await runLoad({ url: app.url, connections: this.options.connections, ...load });
    const cpuMs = app.cpuMs() - cpuBefore;
    return { ...result, appCpuMsPerRequest: round(cpuMs / Math.max(result.requests, 1), 2) };
  }

  /** Each request once, at full concurrency; fails the bench if any answer is unexpected. */
  async loadAll(requests: LoadRequest[], expectStatus: number, what: string): Promise<LoadResult> {
    const result = await this.load({ requests, amount: requests.length, expectStatus: [expectStatus] });
    if (result.errors > 0) {
      throw new Error(
        `${what}: ${result.errors} of ${requests.length} failed (${JSON.stringify(result.statusCounts)})`,
      );
    }
    return result;
  }

  /** One admin call through the public API; any status but `expect` stops the bench. */
  async adminCall(method: string, path: string, body: unknown, expect: number): Promise<unknown> {
    const response = await fetch(`${this.app.url}${path}`, {
      method,
      // A JSON content-type on an empty body is a 400 from the app's body guard.
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expect) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Rows the inventory audit reports (stock counters that disagree with the ledger or the reservations). */
  async auditDrift(): Promise<number> {
    const audit = (await this.adminCall('GET', '/api/inventory/audit', undefined, 200)) as { drift: unknown[] };
    return audit.drift.length;
  }

  /** Units held by ACTIVE reservations beyond the stock on hand, over all variants: must be 0. */
  async oversoldUnits(): Promise<number> {
    const { rows } = await this.db.query<{ oversold: number }>(
      `SELECT COALESCE(SUM(GREATEST(held.quantity - s.on_hand, 0)), 0)::int AS oversold
         FROM stock_levels s
         JOIN (SELECT i.variant_id, SUM(i.quantity) AS quantity
                 FROM reservation_items i JOIN reservations r ON r.id = i.reservation_id
                WHERE r.status = 'ACTIVE' GROUP BY i.variant_id) held ON held.variant_id = s.variant_id`,
    );
    return rows[0].oversold;
  }

  async deadlocksSoFar(): Promise<number> {
    const { rows } = await this.db.query<{ deadlocks: string }>(
      `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(rows[0].deadlocks);
  }
}
