import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogService, VariantNotFoundError } from '../products';
import { Env } from '../shared/config';
import { ValidationFailedError } from '../shared/errors';
import { StockBelowReservedError, StockLimitExceededError } from './inventory.errors';
import { ReservationRepository } from './reservation.repository';
import { MAX_ON_HAND } from './stock-level.entity';
import { MovementReason } from './stock-movement.entity';
import { availabilityOf, StockAvailability, StockDrift, StockMovementView, StockRepository } from './stock.repository';

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
}

@Injectable()
export class StockService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stock: StockRepository,
    private readonly reservations: ReservationRepository,
    private readonly catalog: CatalogService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** Counters of every requested variant; a variant never stocked has zeros. */
  getAvailability(variantIds: readonly number[]): Promise<Map<number, StockAvailability>> {
    return this.stock.findAvailability(variantIds);
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
  async setOnHand(variantId: number, onHand: number, actor: string): Promise<StockAvailability> {
    await this.catalog.getVariant(variantId);
    return this.dataSource.transaction(async (tx) => {
      await this.stock.ensureLevel(tx, variantId);
      const level = (await this.stock.lockLevels(tx, [variantId])).get(variantId)!;
      if (onHand < level.reserved) throw new StockBelowReservedError(variantId, onHand, level.reserved);
      if (onHand === level.onHand) return availabilityOf(variantId, level.onHand, level.reserved);
      const movement = await this.stock.recordAdminMovement(tx, {
        variantId,
        delta: onHand - level.onHand,
        reason: 'COUNT',
        actor,
        note: null,
      });
      return availabilityOf(variantId, movement.onHandAfter, movement.reservedAfter);
    });
  }

  /** Adds `delta` units (negative removes them) with a reason for the ledger. */
  async adjust(variantId: number, request: AdjustmentRequest, actor: string): Promise<StockMovementView> {
    checkAdjustmentDirection(request);
    await this.catalog.getVariant(variantId);
    return this.dataSource.transaction(async (tx) => {
      await this.stock.ensureLevel(tx, variantId);
      const level = (await this.stock.lockLevels(tx, [variantId])).get(variantId)!;
      const onHand = level.onHand + request.delta;
      if (onHand < level.reserved) throw new StockBelowReservedError(variantId, onHand, level.reserved);
      if (onHand > MAX_ON_HAND) throw new StockLimitExceededError(variantId, onHand, MAX_ON_HAND);
      return this.stock.recordAdminMovement(tx, {
        variantId,
        delta: request.delta,
        reason: request.reason,
        actor,
        note: request.note ?? null,
      });
    });
  }

  /**
   * The ledger of a variant, newest first. History outlives the variant: a deleted
   * variant's movements stay readable; only a variant that never existed is 404.
   */
  async movements(variantId: number, limit: number, offset: number): Promise<[StockMovementView[], number]> {
    const [movements, count] = await this.stock.movementsPage(variantId, limit, offset);
    if (count === 0 && !(await this.catalog.variantEverExisted(variantId))) throw new VariantNotFoundError(variantId);
    return [movements, count];
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
