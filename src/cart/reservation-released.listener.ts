import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ReservationEvents, ReservationReleasedEvent } from '../inventory';
import { databaseUnavailableKind, isUuid } from '../shared/database';
import { CartRepository } from './cart.repository';

interface ReleasedCart {
  cartId: string;
  reservationId: string;
}

/**
 * When a checkout's reservation is cancelled or expires, the customer gets that cart back
 * as it was, unless they have started a new cart since. This is the fast path: the event
 * is in-process and may be lost (a crash right after the commit, a failed update), so the
 * outbox consumer (ReservationReleasedConsumer) does the same from the event written with
 * the release, with retries; CartReconciler repairs from the database within
 * RESERVATION_SWEEP_SECONDS, and every cart route repairs the caller's cart before it acts.
 *
 * Releases announced together (an expiry batch announces hundreds at once) give their
 * carts back in one statement.
 */
@Injectable()
export class ReservationReleasedListener {
  private readonly logger = new Logger(ReservationReleasedListener.name);
  /** Carts released since the current batch was opened, and the batch's outcome. */
  private batch?: { carts: ReleasedCart[]; done: Promise<void> };

  constructor(private readonly carts: CartRepository) {}

  @OnEvent(ReservationEvents.Released, { async: true, promisify: true })
  reactivateCart(event: ReservationReleasedEvent): Promise<void> {
    // Inventory's other callers may pass other references; a cart id is a UUID.
    if (!event.ownerRef || !isUuid(event.ownerRef)) return Promise.resolve();
    const cart = { cartId: event.ownerRef, reservationId: event.reservationId };
    if (this.batch) {
      this.batch.carts.push(cart);
      return this.batch.done;
    }
    const carts = [cart];
    // The other releases of the same announcement arrive before the next turn of the loop.
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.reactivate(carts));
    this.batch = { carts, done };
    return done;
  }

  private async reactivate(carts: ReleasedCart[]): Promise<void> {
    this.batch = undefined;
    try {
      await this.carts.reactivateMany(carts);
    } catch (error) {
      // CartReconciler gives the carts back later; a database that is away is no bug.
      const details = { err: error, reservationIds: carts.map((cart) => cart.reservationId) };
      if (databaseUnavailableKind(error))
        this.logger.warn(details, 'Could not reactivate carts now; reconciliation will');
      else this.logger.error(details, 'Could not reactivate carts; reconciliation will retry');
    }
  }
}
