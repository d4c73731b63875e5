import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../shared/auth';
import { EarlyRefusal } from './reservations/early-refusal';
import { RequestedUnits } from './reservations/purchase-limits';
import { ReservationStatus } from './reservations/reservation.entity';
import { ReservationView } from './reservations/reservation-views';
import { ReservationsService, ReserveRequest } from './reservations/reservations.service';
import { StockAvailability } from './stock/stock-views';
import { StockService } from './stock/stock.service';

/**
 * What other modules may ask of inventory. It hands out plain read models, never
 * entities, and joins the caller's transaction where a caller needs all-or-nothing.
 */
@Injectable()
export class InventoryService {
  constructor(
    private readonly stock: StockService,
    private readonly reservations: ReservationsService,
    private readonly earlyRefusal: EarlyRefusal,
  ) {}

  /** Counters of each variant (zeros for one never stocked); does not consult the catalog. */
  getAvailability(variantIds: readonly number[]): Promise<Map<number, StockAvailability>> {
    return this.stock.getAvailability(variantIds);
  }

  /** Units available now of each variant (on-hand minus reserved); a variant never stocked has 0. */
  async availableUnits(variantIds: readonly number[]): Promise<Map<number, number>> {
    const available = await this.stock.getAvailableUnits(variantIds);
    return new Map(variantIds.map((id) => [id, available.get(id) ?? 0]));
  }

  /**
   * Reserves all lines or none inside `tx` (the caller's transaction) under row locks
   * taken in ascending variant order. Throws InsufficientStockError listing every short
   * line. The expiry job and the `reservation.created` event follow the commit of `tx`.
   */
  reserve(tx: EntityManager, request: ReserveRequest): Promise<ReservationView> {
    return this.reservations.reserve(tx, request);
  }

  /**
   * Before a transaction: throws what `reserve` of these lines would certainly throw,
   * when a line's variant is scarce (one read without locks; none for other variants).
   * A reservation it lets through is decided by `reserve`, under the locks.
   */
  refuseIfCertain(customerId: string, lines: RequestedUnits[]): Promise<void> {
    return this.earlyRefusal.refuseIfCertain(customerId, lines);
  }

  /**
   * For a cart edit, which reserves nothing yet: fails with PURCHASE_LIMIT_EXCEEDED when
   * the customer may not hold `line.quantity` units of the variant (counting what they
   * already hold or bought), else with INSUFFICIENT_STOCK when fewer are available. One
   * read without locks; checkout checks both again under its locks.
   */
  assertMayHold(customerId: string, line: RequestedUnits): Promise<void> {
    return this.reservations.assertMayHold(customerId, line);
  }

  /** The reservation if the principal owns it or is an admin; 404 otherwise. Without a principal: any. */
  getReservation(id: string, principal?: Principal): Promise<ReservationView> {
    return this.reservations.get(id, principal);
  }

  /** The current status of each reservation (one read); ids that name no reservation are absent. */
  getReservationStatuses(ids: readonly string[]): Promise<Map<string, ReservationStatus>> {
    return this.reservations.statusesOf(ids);
  }

  confirmReservation(id: string, principal?: Principal): Promise<ReservationView> {
    return this.reservations.confirm(id, principal);
  }

  cancelReservation(id: string, principal?: Principal): Promise<ReservationView> {
    return this.reservations.cancel(id, principal);
  }

  /** How many reservations hold stock right now (for the operations metrics). */
  countActiveReservations(): Promise<number> {
    return this.reservations.countActive();
  }
}
