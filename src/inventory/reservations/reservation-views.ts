import { Money } from '../../shared/money';
import { ReservationStatus } from './reservation.entity';

// What a reservation looks like to the services, other modules and the HTTP layer; the
// repository reads rows into these.

export interface ReservationItemView {
  variantId: number;
  sku: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
}

/** A reservation as other modules and the HTTP layer see it. */
export interface ReservationView {
  id: string;
  ownerId: string;
  ownerRef: string | null;
  status: ReservationStatus;
  currency: string;
  total: Money;
  expiresAt: Date;
  /** The latest `expiresAt` extensions may reach. */
  maxExpiresAt: Date;
  extendedCount: number;
  createdAt: Date;
  closedAt: Date | null;
  items: ReservationItemView[];
}
