import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../shared/auth';
import { Env } from '../shared/config';
import { afterCommit } from '../shared/database';
import { Money } from '../shared/money';
import { InsufficientStockError, ReservationNotActiveError, ReservationNotFoundError } from './inventory.errors';
import { ReservationExpiryQueue } from './reservation-expiry.queue';
import { ReservationStatus } from './reservation.entity';
import { ReservationEvents, ReservationEvent, ReservationReleasedEvent } from './reservation.events';
import { ClosedReservation, ReservationRepository, ReservationView } from './reservation.repository';
import { mergeReserveLines, ReserveLine } from './reserve-lines';
import { StockRepository } from './stock.repository';

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

/** Overdue reservations one checkout releases at most; more are left to the sweep. */
const OVERDUE_RELEASE_LIMIT = 50;
const SWEEP_BATCH_SIZE = 500;

@Injectable()
export class ReservationsService {
  private readonly logger = new Logger(ReservationsService.name);
  /** The overdue drain under way in this process, if any. */
  private drain?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reservations: ReservationRepository,
    private readonly stock: StockRepository,
    private readonly expiryQueue: ReservationExpiryQueue,
    private readonly events: EventEmitter2,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /**
   * Reserves every line or none, inside the caller's transaction `tx`. Locks the stock
   * rows of the lines (and of overdue reservations holding them, which it releases first)
   * in one ascending pass, then checks every line and fails with all short lines at once.
   * The expiry job and the events follow the caller's commit.
   */
  async reserve(tx: EntityManager, request: ReserveRequest): Promise<ReservationView> {
    const lines = mergeReserveLines(request.lines);
    const variantIds = lines.map((line) => line.variantId);

    const locks = await this.stock.lockForReserve(tx, variantIds, OVERDUE_RELEASE_LIMIT);
    const released = await this.reservations.expire(tx, locks.overdueIds);
    // Releasing moved the counters the lock read: read them again (the rows stay locked).
    const levels = released.length > 0 ? await this.stock.lockLevels(tx, variantIds) : locks.levels;

    const short = lines
      .map((line) => {
        const level = levels.get(line.variantId);
        const available = level ? level.onHand - level.reserved : 0;
        return { variantId: line.variantId, requested: line.quantity, available };
      })
      .filter((line) => line.available < line.requested);
    if (short.length > 0) throw new InsufficientStockError(short);

    const id = request.id ?? randomUUID();
    const currency = this.config.get('CURRENCY', { infer: true });
    const total = lines.reduce((sum, line) => sum.plus(line.unitPrice.times(line.quantity)), Money.ZERO);
    const ownerRef = request.ownerRef ?? null;
    const { expiresAt, createdAt } = await this.reservations.insert(tx, {
      id,
      ownerId: request.ownerId,
      ownerRef,
      currency,
      total,
      ttlSeconds: this.config.get('RESERVATION_TTL_SECONDS', { infer: true }),
      lines,
    });

    afterCommit(tx, () => {
      void this.expiryQueue.scheduleExpiry(id, expiresAt);
      this.events.emit(ReservationEvents.Created, {
        reservationId: id,
        ownerId: request.ownerId,
        ownerRef,
      } satisfies ReservationEvent);
      this.announceClosed(released);
    });
    return {
      id,
      ownerId: request.ownerId,
      ownerRef,
      status: 'ACTIVE',
      currency,
      total,
      expiresAt,
      createdAt,
      closedAt: null,
      items: lines.map((line) => ({ ...line, lineTotal: line.unitPrice.times(line.quantity) })),
    };
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
   * is ACTIVE but not due yet (a job that fired early).
   *
   * Reservations tend to fall due together (a sale's checkouts expire 5 minutes after the
   * sale), so an overdue one is released with every other overdue reservation, in the
   * batches of the sweep: one transaction per 500 instead of one each. The jobs of the
   * others then find theirs released already, at the cost of one read.
   */
  async expire(id: string): Promise<boolean> {
    let current = await this.reservations.findStatus(id);
    if (current?.status === 'ACTIVE' && current.expiresAt.getTime() <= Date.now()) {
      await this.expireOverdue();
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
      await this.stock.lockLevels(tx, variantIds);
      const closed =
        target === 'CONFIRMED'
          ? await this.reservations.confirm(tx, id, actor)
          : await this.reservations.cancel(tx, id, actor);
      afterCommit(tx, () => this.announceClosed(closed));
      return closed;
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
      await this.stock.lockLevels(tx, variantIds);
      const released = await this.reservations.expire(tx, ids);
      afterCommit(tx, () => this.announceClosed(released));
      return released;
    });
  }

  private announceClosed(closed: ClosedReservation[]): void {
    for (const reservation of closed) {
      const event: ReservationEvent = {
        reservationId: reservation.id,
        ownerId: reservation.ownerId,
        ownerRef: reservation.ownerRef,
      };
      if (reservation.status === 'CONFIRMED') {
        this.events.emit(ReservationEvents.Confirmed, event);
      } else {
        const reason = reservation.status === 'CANCELLED' ? 'CANCELLED' : 'EXPIRED';
        const released: ReservationReleasedEvent = {
          ...event,
          reason,
          expiresAt: reservation.expiresAt,
          closedAt: reservation.closedAt,
        };
        this.events.emit(ReservationEvents.Released, released);
      }
      // An expiry may be running inside that very job, which Bull cannot remove.
      if (reservation.status !== 'EXPIRED') void this.expiryQueue.cancelExpiry(reservation.id);
    }
    if (closed.length > 0) this.logger.debug({ count: closed.length }, 'Reservations closed');
  }
}
