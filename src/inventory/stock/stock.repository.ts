import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, EntityManager, In } from 'typeorm';
import { BuiltOnce, SqlPools } from '../../shared/database';
import { StockLevel } from './stock-level.entity';
import { MovementReason } from './stock-movement.entity';
import { StockStateChange } from './stock-state-change.entity';
import { StockState, stockStateSql } from './stock-state';
import {
  StockAvailability,
  StockDrift,
  StockHold,
  StockLimits,
  StockMovementView,
  StockStateChangeView,
  StockViews,
} from './stock-views';
import { activeHoldsSql, alreadyHeldSql, CustomerExposure } from '../reservations/customer-exposure';

/** Bounds one shared stock read of quotes (a statement's parameter array, not a page). */
const MAX_VARIANTS_PER_STOCK_READ = 1_000;

/** The counters of a variant after a write, to compare with the locked row before it. */
export interface StockFigures {
  variantId: number;
  onHand: number;
  reserved: number;
  /** Present when the write set the threshold (null: back to the default). */
  lowStockThreshold?: number | null;
}

/** A change of stock state, to record. */
export type NewStockStateChange = Pick<
  StockStateChange,
  'variantId' | 'fromState' | 'toState' | 'event' | 'cause' | 'onHand' | 'reserved'
>;

export type LimitsPatch = Partial<StockLimits>;

export interface AdminMovement {
  variantId: number;
  delta: number;
  reason: MovementReason;
  actor: string;
  note: string | null;
}

/** What deciding a reservation needs, read without locks (see findReservability). */
export interface Reservability {
  /** Units available of each stocked variant; a variant never stocked is absent. */
  available: Map<number, number>;
  exposure: CustomerExposure | null;
}

interface ReservabilityRow {
  variant_id: number;
  available: number;
  max_per_order: number | null;
  max_per_customer: number | null;
  already_held: number;
  active_holds: number;
}

/** The stock rows of a reservation's lines, locked, and the overdue reservations holding them. */
export interface ReserveLocks {
  levels: Map<number, StockLevel>;
  /** ACTIVE reservations past their expiry that hold any of the lines: to release before checking. */
  overdueIds: string[];
  /**
   * What the reserving customer holds of the lines' variants, read by the same statement.
   * Null when no line's variant has a stock row (nothing can be reserved then anyway).
   */
  exposure: CustomerExposure | null;
  /** The transaction's `now()`, the time its reservation is created at; null with no rows. */
  startedAt: Date | null;
}

/**
 * The stock counters and their ledger. Every writer of stock locks its rows through
 * `lockLevels` or `lockForReserve`: one pass in ascending variant id, so two
 * transactions can never wait for each other in a cycle.
 */
@Injectable()
export class StockRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
    private readonly views: StockViews,
  ) {}

  /** Counters of every requested variant; a variant never stocked has zeros. */
  async findAvailability(variantIds: readonly number[]): Promise<Map<number, StockAvailability>> {
    const ids = [...new Set(variantIds)];
    if (ids.length === 0) return new Map();
    const rows = await this.sql.onReadPool<(LevelRow & { as_of: Date })[]>(
      `SELECT *, statement_timestamp() AS as_of FROM stock_levels WHERE variant_id = ANY($1::int[])`,
      [ids],
    );
    const asOf = rows[0]?.as_of ?? new Date();
    const levels = new Map(rows.map((row) => [row.variant_id, levelOf(row)]));
    return new Map(ids.map((id) => [id, this.views.availabilityOf(id, levels.get(id) ?? null, asOf)]));
  }

  /**
   * Units available (on-hand minus reserved) of each stocked variant; one never stocked
   * is absent. The narrowest read of stock, for prices that depend on it.
   */
  async findAvailableUnits(variantIds: readonly number[]): Promise<Map<number, number>> {
    if (variantIds.length === 0) return new Map();
    const units = await this.availableUnitsReads.loadMany(variantIds);
    const failure = units.find((unit) => unit instanceof Error);
    if (failure) throw failure;
    const available = new Map<number, number>();
    variantIds.forEach((id, index) => {
      const unit = units[index];
      if (typeof unit === 'number') available.set(id, unit);
    });
    return available;
  }

  /**
   * Quotes priced at the same time share one read: every read asked for in one turn of the
   * event loop waits for the turn's end and all of them are answered by a single statement,
   * instead of a round trip each. A hot sale's quotes cost the pool one connection per turn.
   * Nothing is kept between reads: each answer is as fresh as the statement that read it.
   */
  private readonly availableUnitsReads = new DataLoader<number, number | null>(
    async (variantIds) => {
      const rows = await this.sql.onReadPool<{ variant_id: number; available: number }[]>(
        `SELECT variant_id, on_hand - reserved AS available FROM stock_levels WHERE variant_id = ANY($1::int[])`,
        [[...new Set(variantIds)]],
      );
      const available = new Map(rows.map((row) => [row.variant_id, row.available]));
      return variantIds.map((id) => available.get(id) ?? null);
    },
    { cache: false, maxBatchSize: MAX_VARIANTS_PER_STOCK_READ, batchScheduleFn: (read) => setImmediate(read) },
  );

  /**
   * What a reservation of these variants by `ownerId` would be decided on, read without
   * locks in one statement: the units available of each stocked variant, and the
   * customer's holds and purchase-limit exposure (null when no variant is stocked).
   */
  async findReservability(ownerId: string, variantIds: readonly number[]): Promise<Reservability> {
    const rows = await this.sql.onReadPool<ReservabilityRow[]>(
      `SELECT s.variant_id, s.on_hand - s.reserved AS available, s.max_per_order, s.max_per_customer,
              ${alreadyHeldSql('$1', 's')} AS already_held, ${activeHoldsSql('$1')} AS active_holds
         FROM stock_levels s WHERE s.variant_id = ANY($2::int[])`,
      [ownerId, [...new Set(variantIds)]],
    );
    const limited: CustomerExposure['limited'] = new Map();
    for (const row of rows) {
      if (row.max_per_order === null && row.max_per_customer === null) continue;
      limited.set(row.variant_id, {
        maxPerOrder: row.max_per_order,
        maxPerCustomer: row.max_per_customer,
        alreadyHeld: row.already_held,
      });
    }
    return {
      available: new Map(rows.map((row) => [row.variant_id, row.available])),
      exposure: rows.length === 0 ? null : { activeHolds: rows[0].active_holds, limited },
    };
  }

  /**
   * The stocked variants in `state`, fewest available first: what to restock. Ids only;
   * the caller drops the variants the catalog no longer sells before paging.
   */
  async findIdsInState(state: StockState): Promise<number[]> {
    const rows = await this.sql.onReadPool<{ variant_id: number }[]>(
      `SELECT variant_id FROM (
         SELECT variant_id, on_hand - reserved AS available,
                ${stockStateSql('on_hand - reserved', 'COALESCE(low_stock_threshold, $2)')} AS state
           FROM stock_levels) s
        WHERE state = $1
        ORDER BY available, variant_id`,
      [state, this.views.defaultLowStockThreshold],
    );
    return rows.map((row) => row.variant_id);
  }

  /** A page of the ACTIVE reservations holding the variant, oldest first, with their count, from one snapshot. */
  async holdsPage(variantId: number, limit: number, offset: number): Promise<[StockHold[], number]> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const from = `FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
                    WHERE r.status = 'ACTIVE' AND i.variant_id = $1`;
      const [{ total }]: { total: number }[] = await tx.query(`SELECT count(*)::int AS total ${from}`, [variantId]);
      const rows: { id: string; owner_id: string; quantity: number; expires_at: Date; created_at: Date }[] =
        await tx.query(
          `SELECT r.id, r.owner_id, i.quantity, r.expires_at, r.created_at ${from}
            ORDER BY r.created_at, r.id LIMIT $2 OFFSET $3`,
          [variantId, limit, offset],
        );
      const holds = rows.map((row) => ({
        reservationId: row.id,
        ownerId: row.owner_id,
        quantity: row.quantity,
        expiresAt: row.expires_at,
        createdAt: row.created_at,
      }));
      return [holds, total];
    });
  }

  /** Locks the stock rows of the variants (SELECT ... FOR UPDATE), ascending. */
  async lockLevels(tx: EntityManager, variantIds: readonly number[]): Promise<Map<number, StockLevel>> {
    const ids = ascendingUnique(variantIds);
    if (ids.length === 0) return new Map();
    const levels = await tx.getRepository(StockLevel).find({
      where: { variantId: In(ids) },
      order: { variantId: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    return new Map(levels.map((level) => [level.variantId, level]));
  }

  /**
   * Locks, in one round trip, the stock rows of the lines and of every variant held by
   * overdue reservations that hold any of the lines (at most `overdueLimit` of them), in
   * one ascending pass: releasing those reservations needs their rows, and taking them in
   * a second pass could break the lock order. The overdue set is read as the statement
   * starts; releasing it is guarded by its status, so one released meanwhile is skipped.
   *
   * The same statement reads what `ownerId` holds and bought of the lines' variants, for
   * their purchase limits: the caller holds the customer's lock (a statement before this
   * one), so this statement's snapshot sees the customer's last committed reservation.
   */
  async lockForReserve(
    tx: EntityManager,
    ownerId: string,
    variantIds: readonly number[],
    overdueLimit: number,
  ): Promise<ReserveLocks> {
    const ids = ascendingUnique(variantIds);
    if (ids.length === 0) return { levels: new Map(), overdueIds: [], exposure: null, startedAt: null };
    const rows = await this.reserveLock.run<ReserveLockRow>(tx, { ids, overdueLimit, ownerId });
    const levels = new Map(rows.map((row) => [row.s_variant_id, lockedLevelOf(row)]));
    return {
      levels,
      overdueIds: rows[0]?.overdue_ids ?? [],
      exposure: rows.length === 0 ? null : exposureOf(rows, levels, new Set(ids)),
      startedAt: rows[0]?.started_at ?? null,
    };
  }

  /** The statement of lockForReserve: TypeORM's `pessimistic_write` lock, written once. */
  private readonly reserveLock = reserveLockStatement(() => this.dataSource);

  /** Creates the zero row of a variant that was never stocked; a no-op otherwise. */
  async ensureLevel(tx: EntityManager, variantId: number): Promise<void> {
    await tx.createQueryBuilder().insert().into(StockLevel).values({ variantId }).orIgnore().execute();
  }

  /**
   * Changes on-hand and writes its ledger row in one statement. The caller holds the row
   * lock and has checked the result against `reserved`; the CHECK constraints back it up.
   * Returns the movement and the row's new version.
   */
  async recordAdminMovement(
    tx: EntityManager,
    movement: AdminMovement,
  ): Promise<{ movement: StockMovementView; version: number }> {
    const rows: (MovementRow & { version: string })[] = await tx.query(
      `WITH updated AS (
         UPDATE stock_levels SET on_hand = on_hand + $2, version = version + 1, updated_at = now()
          WHERE variant_id = $1
         RETURNING variant_id, on_hand, reserved, version
       ),
       movement AS (
         INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, actor, note)
         SELECT variant_id, $3, $2, 0, on_hand, reserved, $4, $5 FROM updated
         RETURNING *
       )
       SELECT movement.*, updated.version FROM movement, updated`,
      [movement.variantId, movement.delta, movement.reason, movement.actor, movement.note],
    );
    return { movement: movementViewOf(rows[0]), version: Number(rows[0].version) };
  }

  /** Changes the limits named in `patch` (null removes one) on the locked row; returns the row. */
  async updateLimits(tx: EntityManager, variantId: number, patch: LimitsPatch): Promise<StockLevel> {
    const columns: Partial<
      Pick<StockLevel, 'maxPerOrder' | 'maxPerCustomer' | 'limitWindowSeconds' | 'lowStockThreshold'>
    > = {};
    if (patch.maxPerOrder !== undefined) columns.maxPerOrder = patch.maxPerOrder;
    if (patch.maxPerCustomer !== undefined) columns.maxPerCustomer = patch.maxPerCustomer;
    if (patch.windowSeconds !== undefined) columns.limitWindowSeconds = patch.windowSeconds;
    if (patch.lowStockThreshold !== undefined) columns.lowStockThreshold = patch.lowStockThreshold;
    const result = await tx
      .createQueryBuilder()
      .update(StockLevel)
      .set({ ...columns, version: () => 'version + 1' })
      .where('variant_id = :variantId', { variantId })
      .returning('*')
      .execute();
    return levelOf((result.raw as LevelRow[])[0]);
  }

  /** A page of the variant's changes of state, newest first, with their count, from one snapshot. */
  async stateChangesPage(variantId: number, limit: number, offset: number): Promise<[StockStateChangeView[], number]> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const changes = tx.getRepository(StockStateChange);
      const total = await changes.count({ where: { variantId } });
      const page = await changes.find({ where: { variantId }, order: { id: 'DESC' }, take: limit, skip: offset });
      return [page.map((change) => ({ ...change, id: Number(change.id) })), total];
    });
  }

  /** Appends changes of stock state (rare: only writes that cross a threshold have any). */
  async recordStateChanges(tx: EntityManager, changes: readonly NewStockStateChange[]): Promise<void> {
    if (changes.length === 0) return;
    await tx
      .createQueryBuilder()
      .insert()
      .into(StockStateChange)
      .values([...changes])
      .execute();
  }

  /** A page of the variant's ledger, newest first, with the count of all its rows, from one snapshot. */
  async movementsPage(variantId: number, limit: number, offset: number): Promise<[StockMovementView[], number]> {
    // One snapshot for the count and the page: rows appended meanwhile would make them disagree.
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const [{ total }]: { total: number }[] = await tx.query(
        `SELECT count(*)::int AS total FROM stock_movements WHERE variant_id = $1`,
        [variantId],
      );
      const page: MovementRow[] = await tx.query(
        `SELECT * FROM stock_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
        [variantId, limit, offset],
      );
      return [page.map(movementViewOf), total];
    });
  }

  /**
   * Variants whose on-hand differs from the sum of their ledger, or whose reserved count
   * differs from the units of their ACTIVE reservations. One statement: one snapshot.
   */
  async findDrift(): Promise<StockDrift[]> {
    const rows: {
      variant_id: number;
      on_hand: number;
      ledger_on_hand: number;
      reserved: number;
      active_reserved: number;
    }[] = await this.sql.onWritePool(
      `SELECT s.variant_id, s.on_hand, s.reserved,
              COALESCE(ledger.on_hand, 0)::int AS ledger_on_hand,
              COALESCE(active.reserved, 0)::int AS active_reserved
         FROM stock_levels s
         LEFT JOIN (SELECT variant_id, SUM(delta) AS on_hand FROM stock_movements GROUP BY variant_id) ledger
                ON ledger.variant_id = s.variant_id
         LEFT JOIN (SELECT i.variant_id, SUM(i.quantity) AS reserved
                      FROM reservation_items i JOIN reservations r ON r.id = i.reservation_id
                     WHERE r.status = 'ACTIVE' GROUP BY i.variant_id) active
                ON active.variant_id = s.variant_id
        WHERE s.on_hand <> COALESCE(ledger.on_hand, 0) OR s.reserved <> COALESCE(active.reserved, 0)
        ORDER BY s.variant_id`,
    );
    return rows.map((row) => ({
      variantId: row.variant_id,
      onHand: row.on_hand,
      ledgerOnHand: row.ledger_on_hand,
      reserved: row.reserved,
      activeReserved: row.active_reserved,
    }));
  }
}

interface LevelRow {
  variant_id: number;
  on_hand: number;
  reserved: number;
  version: string;
  max_per_order: number | null;
  max_per_customer: number | null;
  limit_window_seconds: number | null;
  low_stock_threshold: number | null;
  updated_at: Date;
}

const LEVEL_COLUMNS: readonly (keyof LevelRow)[] = [
  'variant_id',
  'on_hand',
  'reserved',
  'version',
  'max_per_order',
  'max_per_customer',
  'limit_window_seconds',
  'low_stock_threshold',
  'updated_at',
];

function levelOf(row: LevelRow): StockLevel {
  return {
    variantId: row.variant_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    version: Number(row.version),
    maxPerOrder: row.max_per_order,
    maxPerCustomer: row.max_per_customer,
    limitWindowSeconds: row.limit_window_seconds,
    lowStockThreshold: row.low_stock_threshold,
    updatedAt: row.updated_at,
  };
}

/** A row of the reserve lock: the stock row's columns as the query builder aliases them (`s_`), and what rides with it. */
type ReserveLockRow = { [Column in keyof LevelRow as `s_${Column}`]: LevelRow[Column] } & {
  overdue_ids: string[];
  active_holds: number;
  already_held: number;
  started_at: Date;
};

/** Each stock column with the alias the query builder gives it in the reserve lock. */
const LOCKED_LEVEL_COLUMNS = LEVEL_COLUMNS.map((column) => [column, `s_${column}` as const] as const);

function lockedLevelOf(row: ReserveLockRow): StockLevel {
  const level: Partial<Record<keyof LevelRow, unknown>> = {};
  for (const [column, alias] of LOCKED_LEVEL_COLUMNS) level[column] = row[alias];
  return levelOf(level as LevelRow);
}

/** The purchase-limit exposure of the lines' variants, from the rows of the stock lock. */
function exposureOf(
  raw: readonly ReserveLockRow[],
  levels: ReadonlyMap<number, StockLevel>,
  lineVariantIds: ReadonlySet<number>,
): CustomerExposure {
  const limited: CustomerExposure['limited'] = new Map();
  for (const row of raw) {
    const level = levels.get(row.s_variant_id);
    if (!level || !lineVariantIds.has(level.variantId)) continue;
    if (level.maxPerOrder === null && level.maxPerCustomer === null) continue;
    limited.set(level.variantId, {
      maxPerOrder: level.maxPerOrder,
      maxPerCustomer: level.maxPerCustomer,
      alreadyHeld: row.already_held,
    });
  }
  return { activeHolds: raw[0].active_holds, limited };
}

function ascendingUnique(variantIds: readonly number[]): number[] {
  return [...new Set(variantIds)].sort((a, b) => a - b);
}

interface MovementRow {
  id: string;
  variant_id: number;
  location_code: string;
  reason: MovementReason;
  delta: number;
  reserved_delta: number;
  on_hand_after: number;
  reserved_after: number;
  reservation_id: string | null;
  actor: string | null;
  note: string | null;
  created_at: Date;
}

function movementViewOf(row: MovementRow): StockMovementView {
  return {
    id: Number(row.id),
    variantId: row.variant_id,
    location: row.location_code,
    reason: row.reason,
    delta: row.delta,
    reservedDelta: row.reserved_delta,
    onHandAfter: row.on_hand_after,
    reservedAfter: row.reserved_after,
    reservationId: row.reservation_id,
    actor: row.actor,
    note: row.note,
    createdAt: row.created_at,
  };
}

/**
 * What lockForReserve sends: the stock rows of `ids` FOR UPDATE (TypeORM's
 * `pessimistic_write`) in ascending order, with the overdue reservations holding them
 * (released first, so their rows are locked too) and the customer's holds and purchase-limit
 * exposure. Exported for the bench's pgbench script, which runs it as the app does.
 */
export function reserveLockStatement(dataSource: () => DataSource) {
  return new BuiltOnce(['ids', 'overdueLimit', 'ownerId'], ({ ids, overdueLimit, ownerId }) =>
    dataSource()
      .getRepository(StockLevel)
      .createQueryBuilder('s')
      .addCommonTableExpression(
        `SELECT r.id FROM reservations r
          WHERE r.status = 'ACTIVE' AND r.expires_at <= now()
            AND EXISTS (SELECT 1 FROM reservation_items held
                         WHERE held.reservation_id = r.id AND held.variant_id = ANY(:ids::int[]))
          LIMIT :overdueLimit`,
        'overdue',
      )
      .addSelect('ARRAY(SELECT o.id FROM overdue o)', 'overdue_ids')
      .addSelect(activeHoldsSql(':ownerId'), 'active_holds')
      .addSelect(alreadyHeldSql(':ownerId', 's'), 'already_held')
      .addSelect('now()', 'started_at')
      .where(
        `s.variant_id = ANY(:ids::int[] || ARRAY(SELECT i.variant_id FROM reservation_items i
                                                   JOIN overdue o ON o.id = i.reservation_id))`,
        { ids, overdueLimit, ownerId },
      )
      .orderBy('s.variant_id', 'ASC')
      .setLock('pessimistic_write'),
  );
}
