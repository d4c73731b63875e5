import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ReservationEvents, ReservationReleasedEvent } from '../inventory';
import { databaseUnavailableKind, isUuid } from '../shared/database';
import { CartRepository } from './cart.repository';

/**
 * When a checkout's reservation is cancelled or expires, the customer gets that cart back
 * as it was, unless they have started a new cart since. This is the fast path: the event
 * is in-process and may be lost (a crash right after the commit, a failed update), so the
 * outbox consumer (ReservationReleasedConsumer) does the same from the event written with
 * the release, with retries; CartReconciler repairs from the database within
 * RESERVATION_SWEEP_SECONDS, and every cart route repairs the caller's cart before it acts.
 */
@Injectable()
export class ReservationReleasedListener {
  private readonly logger = new Logger(ReservationReleasedListener.name);

  constructor(private readonly carts: CartRepository) {}

  @OnEvent(ReservationEvents.Released, { async: true, promisify: true })
  async reactivateCart(event: ReservationReleasedEvent): Promise<void> {
    // Inventory's other callers may pass other references; a cart id is a UUID.
    if (!event.ownerRef || !isUuid(event.ownerRef)) return;
    try {
      await this.carts.reactivate(event.ownerRef, event.reservationId);
    } catch (error) {
      // CartReconciler gives the cart back later; a database that is away is no bug.
      const details = { err: error, reservationId: event.reservationId };
      if (databaseUnavailableKind(error))
        this.logger.warn(details, 'Could not reactivate a cart now; reconciliation will');
      else this.logger.error(details, 'Could not reactivate a cart; reconciliation will retry');
    }
  }
}
