import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CatalogService, VariantNotFoundError } from '../../products';
import { Env } from '../../shared/config';
import { ValidationFailedError } from '../../shared/errors';
import { EntityTagCondition } from '../../shared/http';
import { IdempotencyService, IdempotentResult } from '../../shared/idempotency';
import { StockLevelDto, StockMovementDto } from './dto/stock.dto';
import {
  CurrentStock,
  StockBelowReservedError,
  StockChangedError,
  StockLimitExceededError,
  StockVersionMismatchError,
} from '../inventory.errors';
import { ReservationRepository } from '../reservations/reservation.repository';
import { MAX_ON_HAND, StockLevel } from './stock-level.entity';
import { MovementReason } from './stock-movement.entity';
import { StockState } from './stock-state';
import { StockStateRecorder } from './stock-state-recorder';
import { LimitsPatch, StockRepository } from './stock.repository';
import {
  StockAvailability,
  StockViews,
  StockDrift,
  StockHold,
  StockMovementView,
  StockStateChangeView,
} from './stock-views';

export interface StuckReservation {
  reservationId: string;
  expiresAt: Date;
}

export interface StockAudit {
  drift: StockDrift[];
  /** ACTIVE reservations past their expiry plus RESERVATION_STUCK_GRACE_SECONDS: holds nothing released. */
  stuck: StuckReservation[];
}

/** Stuck reservations the audit lists at most; one is already a reason to look. */
const STUCK_LIST_LIMIT = 1000;

export interface AdjustmentRequest {
  delta: number;
  reason: MovementReason;
  note?: string | null;
  /** Write only if on-hand is this figure (409 STOCK_CHANGED otherwise). */
  expectedOnHand?: number;
}

export interface SetStockRequest {
  onHand: number;
  /** Write only if on-hand is this figure (409 STOCK_CHANGED otherwise). */
  expectedOnHand?: number;
}

/** Who writes stock, and on what conditions. */
export interface StockWriteContext {
  /** The admin (token subject), recorded in the ledger. */
  actor: string;
  /** Write only if the stock's version matches (412 PRECONDITION_FAILED otherwise). */
  ifMatch?: EntityTagCondition;
  idempotencyKey?: string;
}

/**
 * Whose Idempotency-Keys stock writes use: the whole staff's, not each admin's. An ERP
 * sync and the person retrying its failed call are one writer, so a key sent twice is
 * one movement whoever sends it.
 */
const STOCK_WRITERS_KEYS = 'staff:stock';

@Injectable()
export class StockService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stock: StockRepository,
    private readonly views: StockViews,
    private readonly reservations: ReservationRepository,
    private readonly stockStates: StockStateRecorder,
    private readonly catalog: CatalogService,
    private readonly idempotency: IdempotencyService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** Counters of every requested variant; a variant never stocked has zeros. */
  getAvailability(variantIds: readonly number[]): Promise<Map<number, StockAvailability>> {
    return this.stock.findAvailability(variantIds);
  }

  /** Units available of each stocked variant; a variant never stocked is absent. */
  getAvailableUnits(variantIds: readonly number[]): Promise<Map<number, number>> {
    return this.stock.findAvailableUnits([...new Set(variantIds)]);
  }

  /** Availability of a live catalog variant; 404 for an unknown or deleted one. */
  async getForVariant(variantId: number): Promise<StockAvailability> {
    await this.catalog.getVariant(variantId);
    const levels = await this.getAvailability([variantId]);
    return levels.get(variantId)!;
  }

  /**
   * Sets on-hand to a counted figure, recording the difference as a COUNT movement.
   * Setting the current figure again writes nothing.
   */
  async setOnHand(
    variantId: number,
    request: SetStockRequest,
    context: StockWriteContext,
  ): Promise<IdempotentResult<StockLevelDto>> {
    return this.writeStock(variantId, 'setStock', request, context, async (tx, level) => {
      if (request.onHand < level.reserved) throw new StockBelowReservedError(variantId, request.onHand, level.reserved);
      if (request.onHand === level.onHand) return { status: 200, body: StockLevelDto.from(this.viewOf(level)) };
      const { movement, version } = await this.stock.recordAdminMovement(tx, {
        variantId,
        delta: request.onHand - level.onHand,
        reason: 'COUNT',
        actor: context.actor,
        note: null,
      });
      await this.recordStateOf(tx, level, movement);
      const after = { ...level, onHand: movement.onHandAfter, reserved: movement.reservedAfter, version };
      return { status: 200, body: StockLevelDto.from(this.views.availabilityOf(variantId, after, movement.createdAt)) };
    });
  }

  /** Adds `delta` units (negative removes them) with a reason for the ledger. */
  async adjust(
    variantId: number,
    request: AdjustmentRequest,
    context: StockWriteContext,
  ): Promise<IdempotentResult<StockMovementDto>> {
    checkAdjustmentDirection(request);
    return this.writeStock(variantId, 'adjustStock', request, context, async (tx, level) => {
      const onHand = level.onHand + request.delta;
      if (onHand < level.reserved) throw new StockBelowReservedError(variantId, onHand, level.reserved);
      if (onHand > MAX_ON_HAND) throw new StockLimitExceededError(variantId, onHand, MAX_ON_HAND);
      const { movement } = await this.stock.recordAdminMovement(tx, {
        variantId,
        delta: request.delta,
        reason: request.reason,
        actor: context.actor,
        note: request.note ?? null,
      });
      await this.recordStateOf(tx, level, movement);
      return { status: 201, body: StockMovementDto.from(movement) };
    });
  }

  /**
   * Sets the purchase limits and the low-stock threshold named in `patch` (null removes
   * one, absent keeps it). A new threshold may change the state without moving a unit:
   * that change is recorded like any other.
   */
  async setLimits(variantId: number, patch: LimitsPatch): Promise<StockAvailability> {
    await this.catalog.getVariant(variantId);
    return this.dataSource.transaction(async (tx) => {
      await this.stock.ensureLevel(tx, variantId);
      const before = (await this.stock.lockLevels(tx, [variantId])).get(variantId)!;
      const after = await this.stock.updateLimits(tx, variantId, patch);
      await this.stockStates.record(tx, [before], [{ figures: [after], cause: 'THRESHOLD' }]);
      return this.views.availabilityOf(variantId, after, after.updatedAt);
    });
  }

  /**
   * The stocked variants the catalog still sells that are in `state`, fewest available
   * first. A variant never stocked is out of stock too, but inventory does not know it.
   */
  async listByState(state: StockState, limit: number, offset: number): Promise<[StockAvailability[], number]> {
    const ids = await this.stock.findIdsInState(state);
    const sold = await this.catalog.liveVariantIds(ids);
    const listed = ids.filter((id) => sold.has(id));
    const page = listed.slice(offset, offset + limit);
    const levels = await this.stock.findAvailability(page);
    return [page.map((id) => levels.get(id)!), listed.length];
  }

  /** The variant's changes of stock state, newest first: when it ran low, sold out, came back. */
  stateChanges(variantId: number, limit: number, offset: number): Promise<[StockStateChangeView[], number]> {
    return this.historyOf(variantId, this.stock.stateChangesPage(variantId, limit, offset));
  }

  /** The ACTIVE reservations holding a variant, oldest first: why its units are not available. */
  holds(variantId: number, limit: number, offset: number): Promise<[StockHold[], number]> {
    return this.historyOf(variantId, this.stock.holdsPage(variantId, limit, offset));
  }

  /**
   * The frame of an admin stock write: an earlier answer to its Idempotency-Key first;
   * then, in one transaction, the key claimed, the row locked, the preconditions checked
   * against it, the write, and the answer stored with the key.
   */
  private async writeStock<T>(
    variantId: number,
    operation: string,
    request: { expectedOnHand?: number | null },
    context: StockWriteContext,
    write: (tx: EntityManager, level: StockLevel) => Promise<{ status: number; body: T }>,
  ): Promise<IdempotentResult<T>> {
    const idempotent = this.idempotency.forRequest<T>(STOCK_WRITERS_KEYS, context.idempotencyKey, operation, {
      variantId,
      request,
      ifMatch: context.ifMatch ?? null,
    });
    const earlier = await idempotent.earlierAnswer();
    if (earlier) return earlier;
    await this.catalog.getVariant(variantId);
    try {
      return await this.dataSource.transaction(async (tx) => {
        const taken = await idempotent.claim(tx);
        if (taken) return taken;
        await this.stock.ensureLevel(tx, variantId);
        const level = (await this.stock.lockLevels(tx, [variantId])).get(variantId)!;
        this.checkPreconditions(level, context.ifMatch, request.expectedOnHand);
        const { status, body } = await write(tx, level);
        return idempotent.answer(tx, status, body);
      });
    } catch (error) {
      return idempotent.answerInsteadOf(error);
    }
  }

  private checkPreconditions(level: StockLevel, ifMatch?: EntityTagCondition, expectedOnHand?: number | null): void {
    const current: CurrentStock = {
      onHand: level.onHand,
      reserved: level.reserved,
      available: level.onHand - level.reserved,
      version: level.version,
    };
    if (ifMatch && !ifMatch.matches(stockEntityTag(level.version))) {
      throw new StockVersionMismatchError(level.variantId, current);
    }
    if (expectedOnHand !== undefined && expectedOnHand !== null && expectedOnHand !== level.onHand) {
      throw new StockChangedError(level.variantId, expectedOnHand, current);
    }
  }

  private recordStateOf(tx: EntityManager, before: StockLevel, movement: StockMovementView): Promise<void> {
    const figures = { variantId: before.variantId, onHand: movement.onHandAfter, reserved: movement.reservedAfter };
    return this.stockStates.record(tx, [before], [{ figures: [figures], cause: movement.reason }]);
  }

  private viewOf(level: StockLevel): StockAvailability {
    return this.views.availabilityOf(level.variantId, level, new Date());
  }

  /**
   * The ledger of a variant, newest first. History outlives the variant: a deleted
   * variant's movements stay readable; only a variant that never existed is 404.
   */
  movements(variantId: number, limit: number, offset: number): Promise<[StockMovementView[], number]> {
    return this.historyOf(variantId, this.stock.movementsPage(variantId, limit, offset));
  }

  /**
   * A page of a variant's records, which outlive the variant: an empty page of a deleted
   * variant is an answer; only a variant that never existed is 404.
   */
  private async historyOf<T>(variantId: number, reading: Promise<[T[], number]>): Promise<[T[], number]> {
    const [items, total] = await reading;
    if (total === 0 && !(await this.catalog.variantEverExisted(variantId))) throw new VariantNotFoundError(variantId);
    return [items, total];
  }

  /**
   * What should never be: variants whose counters disagree with the ledger or with their
   * ACTIVE reservations, and reservations still holding stock long after they expired.
   */
  async audit(): Promise<StockAudit> {
    const grace = this.config.get('RESERVATION_STUCK_GRACE_SECONDS', { infer: true });
    const [drift, stuck] = await Promise.all([
      this.stock.findDrift(),
      this.reservations.findStuck(grace, STUCK_LIST_LIMIT),
    ]);
    return { drift, stuck };
  }
}

const ADDING_REASONS: readonly MovementReason[] = ['RESTOCK', 'RETURN'];
const REMOVING_REASONS: readonly MovementReason[] = ['DAMAGE'];

/** A restock that removes units, or damage that adds them, is a typo, not a movement. */
function checkAdjustmentDirection({ reason, delta }: AdjustmentRequest): void {
  const message = ADDING_REASONS.includes(reason)
    ? delta < 0 && `delta must be positive for ${reason}`
    : REMOVING_REASONS.includes(reason) && delta > 0 && `delta must be negative for ${reason}`;
  if (message) throw new ValidationFailedError(message, [{ field: 'delta', message }]);
}

/** The strong entity tag of a stock version, as the ETag header carries it. */
export function stockEntityTag(version: number): string {
  return `"${version}"`;
}
