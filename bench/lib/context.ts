import { Pool } from 'pg';
import { TokenService } from '../../src/shared/auth';
import { BenchApp } from './bench-app';
import { LoadRequest, LoadResult, LoadSpec, runLoad } from './load';
import { BenchOptions } from './options';
import { SchemaFeatures } from './schema';
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

/** What one app build's run through the selected scenarios produced. */
export interface SideResult {
  scenarios: Record<string, ScenarioResult>;
  memory: { peakRssMb: number; startupRssMb: number };
  /** What the bench left out on this build (its schema or routes lack it). */
  withoutFeatures: string[];
}

export interface Seeded {
  categories: { rootId: number; topIds: number[]; leafIds: number[] };
  quoteVariantIds: number[];
  spreadVariantIds: number[];
  hotVariantId?: number;
  pgbenchHotVariantId?: number;
  /** The soak's variants: plenty of stock, and a few scarce ones that sell out (`soak`). */
  soakVariantIds: number[];
  soakScarceVariantIds: number[];
}

export interface BenchContextInit {
  options: BenchOptions;
  app: BenchApp;
  db: Pool;
  databaseUrl: string;
  redis: { url: string; prefix: string };
  tokens: TokenService;
  /** The secret the app verifies tokens with: a load worker that makes up customers signs their tokens with it. */
  jwtSecret: string;
  seeded: Seeded;
  /** The same app with its catalog read model off (CATALOG_CACHE_MAX_ENTRIES=0), for the read scenarios' comparison. */
  uncachedApp?: BenchApp;
  schema: SchemaFeatures;
  /** Whether the checkout scenarios run pgbench for their limit (on a --baseline side, only the current build's does). */
  measuresLimits: boolean;
  /** Unique to this run and side: customer ids made with it meet no other run's. */
  runTag: string;
  /** What the bench had to leave out on this app (an older build's schema or routes), filled as it goes. */
  withoutFeatures: Set<string>;
}

export class BenchContext {
  readonly options: BenchOptions;
  readonly app: BenchApp;
  readonly db: Pool;
  readonly databaseUrl: string;
  readonly redis: { url: string; prefix: string };
  readonly tokens: TokenService;
  readonly jwtSecret: string;
  readonly seeded: Seeded;
  readonly uncachedApp?: BenchApp;
  readonly schema: SchemaFeatures;
  readonly measuresLimits: boolean;
  readonly runTag: string;
  readonly withoutFeatures: Set<string>;
  readonly adminToken: string;

  constructor(init: BenchContextInit) {
    this.options = init.options;
    this.app = init.app;
    this.db = init.db;
    this.databaseUrl = init.databaseUrl;
    this.redis = init.redis;
    this.tokens = init.tokens;
    this.jwtSecret = init.jwtSecret;
    this.seeded = init.seeded;
    this.uncachedApp = init.uncachedApp;
    this.schema = init.schema;
    this.measuresLimits = init.measuresLimits;
    this.runTag = init.runTag;
    this.withoutFeatures = init.withoutFeatures;
    this.adminToken = this.tokens.issue({ sub: 'bench-admin', admin: true, expiresInSeconds: 4 * 3600 });
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

  /**
   * Rows the inventory audit reports (stock counters that disagree with the ledger or the
   * reservations); undefined from an app without the audit route (an older build).
   */
  async auditDrift(): Promise<number | undefined> {
    const response = await fetch(`${this.app.url}/api/inventory/audit`, {
      headers: { authorization: `Bearer ${this.adminToken}` },
    });
    if (response.status === 404) {
      this.withoutFeatures.add('inventory audit (GET /api/inventory/audit)');
      return undefined;
    }
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /api/inventory/audit answered ${response.status}: ${text}`);
    return (JSON.parse(text) as { drift: unknown[] }).drift.length;
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
