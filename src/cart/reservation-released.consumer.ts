import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ReservationEventPayload } from '../inventory';
import { OutboxEvent, OutboxService } from '../outbox';
import { isUuid } from '../shared/database';
import { CartRepository } from './cart.repository';

/** The name the cart's deliveries are kept under; never rename it while deliveries are pending. */
export const CART_REACTIVATION_CONSUMER = 'cart.reactivation';

/**
 * Gives a customer their cart back when its checkout's reservation is cancelled or expires:
 * the one durable path. The event was written with the release, so a crash after the
 * commit, a failed update or a database blip only delays it (the relay retries it, in
 * order, for about a day). Besides, every cart route brings the caller's own cart in line
 * first (CartService.findOrRecoverActiveCart), so a customer never waits for the relay.
 * Reactivating is idempotent, so both may run.
 */
@Injectable()
export class ReservationReleasedConsumer implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxService,
    private readonly carts: CartRepository,
  ) {}

  onModuleInit(): void {
    this.outbox.registerConsumer({
      name: CART_REACTIVATION_CONSUMER,
      events: ['reservation.cancelled', 'reservation.expired'],
      handle: (event) => this.reactivateCart(event as OutboxEvent<ReservationEventPayload>),
    });
  }

  async reactivateCart(event: OutboxEvent<ReservationEventPayload>): Promise<void> {
    const { ownerRef, reservationId } = event.payload;
    // Inventory's other callers may pass other references; a cart id is a UUID.
    if (!ownerRef || !isUuid(ownerRef)) return;
    await this.carts.reactivate(ownerRef, reservationId);
  }
}
