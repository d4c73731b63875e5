import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { InvalidationBus } from '../bus';
import { Env } from '../config';
import {
  afterCommit,
  buildDataSourceOptions,
  clientWithTransactionTimeouts,
  configuredTransactionTimeouts,
  queryForRead,
} from '../database';
import { ReplicaFreshness, ReplicaVerdict } from './replica-freshness';
import { walPosition } from './wal-position';

/** How often the replica's lag is sampled; a write is read from the primary until a sample covers it. */
const CHECK_INTERVAL_MS = 200;
/** A replica that does not answer a sample this fast counts as down until the next one. */
const CHECK_TIMEOUT_MS = 1_000;

/** Where a replica-safe read was served, and how fresh its data is. */
export interface ReadSource {
  from: 'replica' | 'primary';
  /** For a replica read: the time its data is current as of (its replay timestamp when behind). */
  asOf?: Date;
}

/**
 * Reads that may lag a little (catalog lists, the category tree, webhook delivery
 * history) go to the streaming replica of DATABASE_REPLICA_URL, through a pool of its own
 * and never TypeORM's random replica choice; every other read stays on the primary.
 * Such a read goes to the primary instead while the replica is down, further behind
 * than REPLICA_MAX_LAG_MS, or has not replayed a write this instance has heard of (its
 * own, or another instance's through the invalidation bus), so an admin reads their own
 * writes. A replica read that fails is served again by the primary.
 */
@Injectable()
export class ReplicaReads implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReplicaReads.name);
  private readonly replicaUrl?: string;
  private readonly freshness: ReplicaFreshness;
  private replica?: DataSource;
  private timer?: NodeJS.Timeout;
  private checking = false;
  private lastReason?: string;
  private readonly served = { replica: 0, primary: 0 };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly bus: InvalidationBus,
  ) {
    this.replicaUrl = config.get('DATABASE_REPLICA_URL', { infer: true });
    this.freshness = new ReplicaFreshness(config.get('REPLICA_MAX_LAG_MS', { infer: true }));
  }

  get configured(): boolean {
    return this.replicaUrl !== undefined;
  }

  /** Replica-safe reads of `topic`'s data must see the writes its invalidations announce. */
  followWritesOf(topic: string): void {
    if (this.configured) this.bus.subscribe(topic, () => this.noteWrite());
  }

  /** A write that replica-safe reads show has committed (for writers that announce nothing on the bus). */
  noteWrite(): void {
    if (this.configured) this.freshness.noteWrite(performance.now());
  }

  /** As noteWrite, once `tx` commits: a catalog write the replica must replay before it serves this instance again. */
  noteWriteIn(tx: EntityManager): void {
    if (this.configured) afterCommit(tx, () => this.noteWrite());
  }

  /** Runs `work` on the replica when fresh enough, else on the primary's read pool. */
  async read<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return (await this.readWithSource(work)).result;
  }

  async readWithSource<T>(work: (db: EntityManager) => Promise<T>): Promise<{ result: T; source: ReadSource }> {
    const verdict = this.verdict();
    if (verdict.use && this.replica?.isInitialized) {
      try {
        const result = await this.run(this.replica.createQueryRunner(), work);
        this.served.replica++;
        return { result, source: { from: 'replica', asOf: verdict.asOf } };
      } catch (error) {
        this.logger.warn({ err: error }, 'A replica read failed; the primary serves it');
        this.freshness.recordDown();
      }
    }
    const runner = this.dataSource.createQueryRunner(this.dataSource.defaultReplicationModeForReads());
    const result = await this.run(runner, work);
    this.served.primary++;
    return { result, source: { from: 'primary' } };
  }

  /** For health and metrics: whether replica reads are being served, and how many each side served. */
  status(): ReplicaVerdict & { configured: boolean; served: { replica: number; primary: number } } {
    return { ...this.verdict(), configured: this.configured, served: { ...this.served } };
  }

  onApplicationBootstrap(): void {
    // Workers serve no catalog pages: they leave the replica alone and read the primary.
    if (!this.configured || this.config.get('APP_ROLE', { infer: true }) === 'worker') return;
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    if (this.replica?.isInitialized) await this.replica.destroy().catch(() => undefined);
  }

  private verdict(): ReplicaVerdict {
    return this.configured ? this.freshness.verdict() : { use: false, reason: 'down' };
  }

  private async run<T>(runner: QueryRunner, work: (db: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /** One sample: the primary's position first, so that it covers every write heard before the sample. */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const sampledAt = performance.now();
      const [primary] = await this.onPrimary<{ position: string }>('SELECT pg_current_wal_lsn()::text AS position');
      const replica = await this.connectedReplica();
      const [state] = await withTimeout(
        replica.query(
          `SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS replayed,
                  pg_last_xact_replay_timestamp() AS replayed_at, now() AS now`,
        ) as Promise<{ recovering: boolean; replayed: string | null; replayed_at: Date | null; now: Date }[]>,
      );
      this.freshness.record({
        sampledAt,
        primaryPosition: walPosition(primary.position) ?? 0n,
        replayedPosition: state.recovering ? walPosition(state.replayed) : null,
        replayedAt: state.replayed_at,
        replicaNow: state.now,
      });
    } catch (error) {
      this.freshness.recordDown();
      this.logOnce('down', error);
    } finally {
      this.checking = false;
    }
    const verdict = this.freshness.verdict();
    // Waiting for an own write to replay is routine, not a change of state worth a line.
    if (verdict.use || verdict.reason !== 'own-write-not-replayed')
      this.logOnce(verdict.use ? 'serving' : verdict.reason);
  }

  private async onPrimary<Row>(sql: string): Promise<Row[]> {
    return withTimeout(queryForRead<Row[]>(this.dataSource, sql));
  }

  /**
   * The replica's DataSource, connected on first use and again after a failure: the
   * service starts, and serves from the primary, while its replica is still down.
   */
  private async connectedReplica(): Promise<DataSource> {
    if (this.replica?.isInitialized) return this.replica;
    const env = this.config;
    const replica = new DataSource({
      ...(buildDataSourceOptions({
        DATABASE_URL: this.replicaUrl!,
        DATABASE_POOL_SIZE: Math.max(1, env.get('DATABASE_READ_POOL_SIZE', { infer: true })),
      }) as PostgresDataSourceOptions),
      subscribers: [],
      migrations: [],
      applicationName: 'commerce-api-replica',
      extra: {
        max: Math.max(1, env.get('DATABASE_READ_POOL_SIZE', { infer: true })),
        connectionTimeoutMillis: CHECK_TIMEOUT_MS,
        keepAlive: true,
        Client: clientWithTransactionTimeouts(configuredTransactionTimeouts(env)),
      },
    });
    try {
      // Bounded by the connection timeout: TypeORM's first act is to connect.
      await replica.initialize();
    } catch (error) {
      await (replica.driver as unknown as { disconnect(): Promise<void> }).disconnect?.().catch(() => undefined);
      throw error;
    }
    this.replica = replica;
    return replica;
  }

  /** Logs changes of the replica's state, not every sample. */
  private logOnce(reason: string, error?: unknown): void {
    if (reason === this.lastReason) return;
    this.lastReason = reason;
    if (reason === 'serving') this.logger.log('Replica-safe reads are served by the replica');
    else this.logger.warn({ reason, err: error }, 'Replica-safe reads go to the primary');
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
