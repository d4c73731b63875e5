/**
 * Domain events of the reservation lifecycle, emitted in-process after the change has
 * committed. Other modules listen with `@OnEvent(ReservationEvents.Released)` instead of
 * being imported by inventory.
 */
export const ReservationEvents = {
  Created: 'reservation.created',
  /** The hold was extended: `expiresAt` moved later. */
  Extended: 'reservation.extended',
  Confirmed: 'reservation.confirmed',
  Released: 'reservation.released',
} as const;

export interface ReservationEvent {
  reservationId: string;
  ownerId: string;
  /** The reference the reserving module gave, e.g. its cart id. */
  ownerRef: string | null;
}

export type ReleaseReason = 'CANCELLED' | 'EXPIRED';

export interface ReservationReleasedEvent extends ReservationEvent {
  reason: ReleaseReason;
  expiresAt: Date;
  /** When the stock was released: for an expiry, how late after `expiresAt` it came. */
  closedAt: Date;
}
