import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../shared/auth';
import { OutboxService } from '../../outbox';
import { Env } from '../../shared/config';
import { afterCommit } from '../../shared/database';
import { Money } from '../../shared/money';
import {
  HoldLimitReachedError,
  InsufficientStockError,
  PurchaseLimitExceededError,
  ReservationNotActiveError,
  ReservationNotFoundError,
} from '../inventory.errors';
import { EarlyRefusal } from './early-refusal';
import { reservationClosedEvents, reservationCreatedEvent, reservationExtendedEvent } from '../inventory-events';
import { assertCustomerMayReserve, purchaseLimitBreaches, RequestedUnits } from './purchase-limits';
import { ReservationExpiryQueue } from './reservation-expiry.queue';
import { ReservationStatus } from './reservation.entity';
import { ReservationEvents, ReservationReleasedEvent } from './reservation.events';
import {
  ClosedReservation,
  ClosedReservations,
  RESERVATION_INSERT_PARAMETERS,
  ReservationRepository,
} from './reservation.repository';
import { ReservationView } from './reservation-views';
import { mergeReserveLines, ReserveLine, shortLinesOf } from './reserve-lines';
import { StockStateCause } from '../stock/stock-state';
import { StockStateRecorder } from '../stock/stock-state-recorder';
import { StockRepository } from '../stock/stock.repository';
import { StockLevel } from '../stock/stock-level.entity';
import { ClosedStatus, LEDGER_REASON_OF_CLOSING } from './reservation-closing';

export interface ReserveRequest {
  /**
   * The new reservation's id, for a caller that writes it in the same transaction before
   * reserving (checkout marks its cart first, outside the stock locks). Random if absent.
   */
  id?: string;
  /** The customer the reservation belongs to (the token's `sub`). */
  ownerId: string;
  /** An opaque reference of the caller, e.g. the cart id; it comes back in events. */
  ownerRef?: string | null;
  lines: ReserveLine[];
}

/** When a reservation's hold starts and ends. */
type ReservationTimes = Pick<ReservationView, 'createdAt' | 'expiresAt' | 'maxExpiresAt'>;

/**
 * The times the reservation statement gives a reservation created in a transaction that
 * started at `startedAt` (its `now()`): known before the statement runs, so that its
 * `reservation.created` event can be written by that same statement. Whole seconds added
 * to the database's time, read at millisecond precision, equal the row's as read back.
 */
function reservationTimes(startedAt: Date | null, ttlSeconds: number, maxHoldSeconds: number): ReservationTimes {
  const createdAt = startedAt ?? new Date();
  return {
    createdAt,
    expiresAt: new Date(createdAt.getTime() + ttlSeconds * 1000),
    maxExpiresAt: new Date(createdAt.getTime() + Math.max(maxHoldSeconds, ttlSeconds) * 1000),
  };
}

/** Overdue reservations one checkout releases at most; more are left to the sweep. (The bench's pgbench script sends it too.) */
export const OVERDUE_RELEASE_LIMIT = 50;
const SWEEP_BATCH_SIZE = 500;
/** Enough for the reservations of a sale falling due together. */
const CLOSED_HERE_REMEMBERED = 20_000;

@Injectable()
export class ReservationsService {
  private readonly logger = new Logger(ReservationsService.name);
  /** The overdue drain under way in this process, if any. */
  private drain?: Promise<number>;
  /**
   * Reservations this process closed lately: a closed reservation never becomes ACTIVE
   * again, so the expiry jobs of those a drain released have nothing to read.
   */
  private readonly closedHere = new LRUCache<string, true>({ max: CLOSED_HERE_REMEMBERED });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reservations: ReservationRepository,
    private readonly stock: StockRepository,
    private readonly stockStates: StockStateRecorder,
    private readonly expiryQueue: ReservationExpiryQueue,
    private readonly events: EventEmitter2,
    private readonly outbox: OutboxService,
    config: ConfigService<Env, true>,
    private readonly earlyRefusal: EarlyRefusal,
  ) {
    this.settings = reservationSettingsOf(config);
  }

  /** Read once: settings do not change while the process runs, and every checkout needs them. */
  private readonly settings: ReservationSettings;

  /**
   * Reserves every line or none, inside the caller's transaction `tx`, in three round
   * trips: it serializes the customer's reservations (their lock); then locks the stock
   * rows of the lines (and of overdue reservations holding them, which it releases first)
   * in one ascending pass that also reads the customer's holds and purchase limits; checks
   * them and every line, failing with all short lines at once; and writes the reservation,
   * its ledger rows and the transaction's outbox events in one statement. The expiry job,
   * and `reservation.released` for the overdue reservations it released, follow the
   * caller's commit.
   */
  async reserve(tx: EntityManager, request: ReserveRequest): Promise<ReservationView> {
    const lines = mergeReserveLines(request.lines);
    const variantIds = lines.map((line) => line.variantId);

    await this.reservations.lockCustomer(tx, request.ownerId);
    const locks = await this.stock.lockForReserve(tx, request.ownerId, variantIds, OVERDUE_RELEASE_LIMIT);
    if (locks.exposure) assertCustomerMayReserve(locks.exposure, lines, this.settings.maxHolds);
    const released = await this.reservations.expire(tx, locks.overdueIds);
    // Releasing moved the counters the lock read: read them again (the rows stay locked).
    const levels = released.closed.length > 0 ? await this.stock.lockLevels(tx, variantIds) : locks.levels;
    const availableOf = (variantId: number) => {
      const level = levels.get(variantId);
      return level && level.onHand - level.reserved;
    };
    this.earlyRefusal.noteReserving(lines, availableOf);
    const short = shortLinesOf(lines, availableOf);
    if (short.length > 0) throw new InsufficientStockError(short);

    const id = request.id ?? randomUUID();
    const { currency, ttlSeconds, maxHoldSeconds } = this.settings;
    const total = lines.reduce((sum, line) => sum.plus(line.unitPrice.times(line.quantity)), Money.ZERO);
    const ownerRef = request.ownerRef ?? null;
    const reservedFigures = lines.map((line) => {
      const level = levels.get(line.variantId)!;
      return { variantId: line.variantId, onHand: level.onHand, reserved: level.reserved + line.quantity };
    });
    const stockOutcome = this.stockStates.outcomeOf(locks.levels.values(), [
      { figures: released.stock, cause: 'EXPIRE' },
      { figures: reservedFigures, cause: 'RESERVE' },
    ]);
    const created = (times: ReservationTimes): ReservationView => ({
      id,
      ownerId: request.ownerId,
      ownerRef,
      status: 'ACTIVE',
      currency,
      total,
      ...times,
      extendedCount: 0,
      closedAt: null,
      items: lines.map((line) => ({ ...line, lineTotal: line.unitPrice.times(line.quantity) })),
    });
    const events = this.outbox.recordWithin(
      tx,
      [
        ...stockOutcome.events,
        reservationCreatedEvent(created(reservationTimes(locks.startedAt, ttlSeconds, maxHoldSeconds))),
      ],
      RESERVATION_INSERT_PARAMETERS + 1,
    );
    const times = await this.reservations.insert(
      tx,
      { id, ownerId: request.ownerId, ownerRef, currency, total, ttlSeconds, maxHoldSeconds, lines },
      events ?? undefined,
    );
    await this.stockStates.recordChanges(tx, stockOutcome.changes);
    const reservation = created(times);

    afterCommit(tx, () => {
      void this.expiryQueue.scheduleExpiry(id, reservation.expiresAt, 0);
      this.announceClosed(released.closed);
    });
    return reservation;
  }

  /** See InventoryService.assertMayHold. */
  async assertMayHold(ownerId: string, line: RequestedUnits): Promise<void> {
    const { exposure, available } = await this.stock.findReservability(ownerId, [line.variantId]);
    const breaches = exposure ? purchaseLimitBreaches([line], exposure) : [];
    if (breaches.length > 0) throw new PurchaseLimitExceededError(breaches);
    const short = shortLinesOf([line], (variantId) => available.get(variantId));
    if (short.length > 0) throw new InsufficientStockError(short);
  }

  /**
   * Holds the stock longer: `expiresAt` becomes now + `seconds`, at most the reservation's
   * `maxExpiresAt`, and never earlier than it was (asking for less than is left changes
   * nothing). HOLD_LIMIT_REACHED once it is at its cap; RESERVATION_NOT_ACTIVE unless it
   * is ACTIVE (one overdue is expired first). The expiry job moves with it.
   */
  async extend(id: string, seconds: number | undefined, principal?: Principal): Promise<ReservationView> {
    const before = await this.get(id, principal);
    if (before.status !== 'ACTIVE') throw new ReservationNotActiveError(id, before.status);
    const extended = await this.dataSource.transaction(async (tx) => {
      const result = await this.reservations.extend(tx, id, seconds ?? this.settings.ttlSeconds);
      if (result) await this.outbox.publish(tx, [reservationExtendedEvent(before, result)]);
      return result;
    });
    if (!extended) {
      // It ran out, was closed meanwhile, is at its cap, or already holds longer than asked.
      const current = await this.get(id, principal);
      if (current.status !== 'ACTIVE') throw new ReservationNotActiveError(id, current.status);
      if (current.expiresAt.getTime() >= current.maxExpiresAt.getTime()) {
        throw new HoldLimitReachedError(id, current.maxExpiresAt);
      }
      return current;
    }
    void this.expiryQueue.moveExpiry(id, extended.expiresAt, extended.extendedCount);
    return { ...before, expiresAt: extended.expiresAt, extendedCount: extended.extendedCount };
  }

  /**
   * The reservation, if `principal` may see it: its owner or an admin. Others get 404.
   * One found ACTIVE past its expiry is expired first, so nobody is shown a hold that
   * no longer counts (its job or the sweep may simply not have run yet).
   */
  async get(id: string, principal?: Principal): Promise<ReservationView> {
    const reservation = await this.load(id, principal);
    if (reservation.status !== 'ACTIVE' || reservation.expiresAt.getTime() > Date.now()) return reservation;
    await this.releaseOverdue([id]);
    return this.load(id, principal);
  }

  private async load(id: string, principal?: Principal): Promise<ReservationView> {
    const ownerId = principal && !principal.isAdmin ? principal.customerId : undefined;
    const reservation = await this.reservations.findView(id, ownerId);
    if (!reservation) throw new ReservationNotFoundError(id);
    return reservation;
  }

  /** The current status of each reservation; unknown ids are absent. */
  statusesOf(ids: readonly string[]): Promise<Map<string, ReservationStatus>> {
    return this.reservations.findStatuses(ids);
  }

  /** Sells the reserved stock. Fails with RESERVATION_NOT_ACTIVE unless it is ACTIVE and not overdue. */
  confirm(id: string, principal?: Principal): Promise<ReservationView> {
    return this.close(id, 'CONFIRMED', principal);
  }

  /** Releases the reserved stock at the owner's or an admin's request. */
  cancel(id: string, principal?: Principal): Promise<ReservationView> {
    return this.close(id, 'CANCELLED', principal);
  }

  /** ACTIVE reservations, overdue ones included until they are released. */
  countActive(): Promise<number> {
    return this.reservations.countActive();
  }

  /**
   * Releases the reservation's stock if it is ACTIVE and overdue; idempotent, so a job
   * delivered twice or racing a confirm changes stock at most once. Returns false when it
   * is ACTIVE but not due yet (a job that fired early). `extendedCount` is the one the
   * job was scheduled for: a job of an expiry time an extension replaced has nothing to
   * do, as the extension scheduled its own.
   *
   * Reservations tend to fall due together (a sale's checkouts expire 5 minutes after the
   * sale), so an overdue one is released with every other overdue reservation, in the
   * batches of the sweep: one transaction per 500 instead of one each. The jobs of the
   * others then find theirs released already, at the cost of one read.
   */
  async expire(id: string, extendedCount = 0): Promise<boolean> {
    // A drain under way releases it most likely; its jobs then wait for it, not for a read.
    if (this.drain) await this.drain.catch(() => undefined);
    if (this.closedHere.has(id)) return true;
    let current = await this.reservations.findStatus(id);
    const due = current?.status === 'ACTIVE' && current.expiresAt.getTime() <= Date.now();
    // Not due, and an extension has scheduled a job of its own for the new time.
    if (!due && current?.status === 'ACTIVE' && current.extendedCount > extendedCount) return true;
    if (due) {
      await this.expireOverdue();
      if (this.closedHere.has(id)) return true;
      current = await this.reservations.findStatus(id);
      // Not in the drain's batches (it fell due as the drain finished): release it alone.
      if (current?.status === 'ACTIVE') {
        await this.releaseOverdue([id]);
        current = await this.reservations.findStatus(id);
      }
    }
    return current?.status !== 'ACTIVE';
  }

  /**
   * Expires overdue reservations in batches until none is left; returns how many it
   * released. Calls made while a drain runs share it rather than race it for the same rows.
   */
  expireOverdue(): Promise<number> {
    this.drain ??= this.drainOverdue().finally(() => (this.drain = undefined));
    return this.drain;
  }

  private async drainOverdue(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.reservations.findOverdue(SWEEP_BATCH_SIZE);
      if (ids.length === 0) return total;
      const released = await this.releaseOverdue(ids);
      total += released.length;
      // Fewer than asked means others (a checkout, a job) took the rest: stop when the batch is exhausted.
      if (ids.length < SWEEP_BATCH_SIZE) return total;
    }
  }

  /** Confirms or cancels one reservation at its owner's or an admin's request. */
  private async close(id: string, target: 'CONFIRMED' | 'CANCELLED', principal?: Principal): Promise<ReservationView> {
    const before = await this.get(id, principal);
    if (before.status !== 'ACTIVE') throw new ReservationNotActiveError(id, before.status);
    const actor = principal?.customerId ?? null;
    const variantIds = await this.reservations.variantsOf([id]);
    const [closed] = await this.dataSource.transaction(async (tx) => {
      const levels = await this.stock.lockLevels(tx, variantIds);
      const result =
        target === 'CONFIRMED'
          ? await this.reservations.confirm(tx, id, actor)
          : await this.reservations.cancel(tx, id, actor);
      await this.recordStockStates(tx, levels.values(), result);
      await this.outbox.publish(tx, reservationClosedEvents(result.closed));
      afterCommit(tx, () => this.announceClosed(result.closed));
      return result.closed;
    });
    const after = await this.get(id);
    // Another transition won the race, or it fell due meanwhile and was expired instead.
    if (closed?.status !== target) throw new ReservationNotActiveError(id, after.status);
    return after;
  }

  /** Expires those of the reservations that are ACTIVE and overdue, under their stock locks. */
  private async releaseOverdue(ids: readonly string[]): Promise<ClosedReservation[]> {
    const variantIds = await this.reservations.variantsOf(ids);
    return this.dataSource.transaction(async (tx) => {
      const levels = await this.stock.lockLevels(tx, variantIds);
      const released = await this.reservations.expire(tx, ids);
      await this.recordStockStates(tx, levels.values(), released);
      await this.outbox.publish(tx, reservationClosedEvents(released.closed));
      afterCommit(tx, () => this.announceClosed(released.closed));
      return released.closed;
    });
  }

  /** Records the stock states that closing reservations changed (one statement closes one kind). */
  private recordStockStates(
    tx: EntityManager,
    levels: Iterable<StockLevel>,
    result: ClosedReservations,
  ): Promise<void> {
    const [first] = result.closed;
    if (!first) return Promise.resolve();
    const cause: StockStateCause = LEDGER_REASON_OF_CLOSING[first.status as ClosedStatus];
    return this.stockStates.record(tx, levels, [{ figures: result.stock, cause }]);
  }

  /**
   * After the commit that closed them: remembers them, emits `reservation.released` for
   * those whose stock came back (the one in-process event, see ReservationEvents; their
   * outbox events were written with the change), and drops the expiry jobs they no longer need.
   */
  private announceClosed(closed: ClosedReservation[]): void {
    for (const reservation of closed) {
      this.closedHere.set(reservation.id, true);
      if (reservation.status !== 'CONFIRMED') {
        const reason = reservation.status === 'CANCELLED' ? 'CANCELLED' : 'EXPIRED';
        const released: ReservationReleasedEvent = {
          reservationId: reservation.id,
          ownerId: reservation.ownerId,
          ownerRef: reservation.ownerRef,
          reason,
          expiresAt: reservation.expiresAt,
          closedAt: reservation.closedAt,
        };
        this.events.emit(ReservationEvents.Released, released);
      }
      // An expiry may be running inside that very job, which Bull cannot remove.
      if (reservation.status !== 'EXPIRED')
        void this.expiryQueue.cancelExpiry(reservation.id, reservation.extendedCount);
    }
    if (closed.length > 0) this.logger.debug({ count: closed.length }, 'Reservations closed');
  }
}

interface ReservationSettings {
  currency: string;
  ttlSeconds: number;
  maxHoldSeconds: number;
  maxHolds: number;
}

function reservationSettingsOf(config: ConfigService<Env, true>): ReservationSettings {
  return {
    currency: config.get('CURRENCY', { infer: true }),
    ttlSeconds: config.get('RESERVATION_TTL_SECONDS', { infer: true }),
    maxHoldSeconds: config.get('RESERVATION_MAX_HOLD_SECONDS', { infer: true }),
    maxHolds: config.get('MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER', { infer: true }),
  };
}
