import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReservationEvents, ReservationReleasedEvent } from '../inventory';
import { isUniqueViolation } from '../shared/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * When a checkout's reservation is cancelled or expires, the customer gets that cart back
 * as it was, unless they have started a new cart since (active or itself checked out):
 * an older cart must never replace a newer one, and one cart per customer is ACTIVE.
 */
@Injectable()
export class ReservationReleasedListener {
  private readonly logger = new Logger(ReservationReleasedListener.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @OnEvent(ReservationEvents.Released, { async: true, promisify: true })
  async reactivateCart(event: ReservationReleasedEvent): Promise<void> {
    // Inventory's other callers may pass other references; a cart id is a UUID.
    if (!event.ownerRef || !UUID.test(event.ownerRef)) return;
    try {
      await this.dataSource.query(
        `UPDATE carts c
            SET status = 'ACTIVE', reservation_id = NULL, checked_out_at = NULL,
                version = c.version + 1, updated_at = now()
          WHERE c.id = $1 AND c.status = 'CHECKED_OUT' AND c.reservation_id = $2
            AND NOT EXISTS (
              SELECT 1 FROM carts n
               WHERE n.customer_id = c.customer_id AND (n.status = 'ACTIVE' OR n.created_at > c.created_at)
            )`,
        [event.ownerRef, event.reservationId],
      );
    } catch (error) {
      // A new cart was opened between our check and our write: the customer keeps that one.
      if (isUniqueViolation(error, 'UQ_carts_active_customer')) return;
      this.logger.error({ err: error, reservationId: event.reservationId }, 'Could not reactivate a cart');
    }
  }
}
