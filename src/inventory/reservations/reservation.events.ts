/**
 * The one in-process event of the reservation lifecycle, emitted after the commit that
 * released the stock, because something in this process listens: the metrics collector's
 * expiry-lateness histogram, observed by the process that released it. Everything that
 * must reach another module or system is an outbox event instead, written with the change
 * (see INVENTORY_EVENTS: `reservation.created|extended|confirmed|cancelled|expired`).
 */
export const ReservationEvents = {
  /** The stock of a cancelled or expired reservation came back. */
  Released: 'reservation.released',
} as const;

export type ReleaseReason = 'CANCELLED' | 'EXPIRED';

export interface ReservationReleasedEvent {
  reservationId: string;
  ownerId: string;
  /** The reference the reserving module gave, e.g. its cart id. */
  ownerRef: string | null;
  reason: ReleaseReason;
  expiresAt: Date;
  /** When the stock was released: for an expiry, how late after `expiresAt` it came. */
  closedAt: Date;
}
