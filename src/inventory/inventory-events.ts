import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { defineEvents, NewOutboxEvent } from '../outbox';
import { RESERVATION_STATUSES, ReservationStatus } from './reservations/reservation.entity';
import { ClosedReservation } from './reservations/reservation.repository';
import { ReservationView } from './reservations/reservation-views';
import { STOCK_STATE_CAUSES, STOCK_STATES, StockEventName, StockState, StockStateCause } from './stock/stock-state';
import { NewStockStateChange, StockFigures } from './stock/stock.repository';

const MONEY_PATTERN = '^-?\\d+\\.\\d{2}$';

const CLOSED_EVENT_TYPES = {
  CONFIRMED: 'reservation.confirmed',
  CANCELLED: 'reservation.cancelled',
  EXPIRED: 'reservation.expired',
} as const;

export class ReservationEventItem {
  @ApiProperty({ example: 12 })
  variantId!: number;

  @ApiProperty({ example: 2 })
  quantity!: number;
}

/** `reservation.created|extended|confirmed|cancelled|expired`: the reservation after the change. */
export class ReservationEventPayload {
  @ApiProperty({ format: 'uuid' })
  reservationId!: string;

  @ApiProperty({ enum: RESERVATION_STATUSES, enumName: 'ReservationStatus' })
  status!: ReservationStatus;

  @ApiProperty({ example: 'alice', description: "The customer (the token's sub)" })
  customerId!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The reserving module’s reference: the cart id for a checkout',
  })
  ownerRef!: string | null;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ example: 0 })
  extendedCount!: number;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When it was confirmed or released',
  })
  closedAt!: string | null;

  @ApiPropertyOptional({ type: [ReservationEventItem], description: 'On reservation.created' })
  items?: ReservationEventItem[];

  @ApiPropertyOptional({ pattern: MONEY_PATTERN, example: '550.00', description: 'On reservation.created: the total' })
  total?: string;

  @ApiPropertyOptional({ example: 'USD', description: 'On reservation.created' })
  currency?: string;
}

/** `stock.changed`: on-hand or reserved moved; the figures after the change. */
export class StockChangedPayload {
  @ApiProperty({ example: 12 })
  variantId!: number;

  @ApiProperty({ example: 40 })
  onHand!: number;

  @ApiProperty({ example: 3 })
  reserved!: number;

  @ApiProperty({ example: 37 })
  available!: number;

  @ApiProperty({ enum: STOCK_STATES, enumName: 'StockState' })
  state!: StockState;

  @ApiProperty({
    enum: STOCK_STATE_CAUSES,
    enumName: 'StockStateCause',
    description: 'The ledger reason of the change',
  })
  cause!: StockStateCause;
}

/** `stock.low`, `stock.out`, `stock.back_in_stock`: the variant's stock state changed. */
export class StockStatePayload {
  @ApiProperty({ example: 12 })
  variantId!: number;

  @ApiProperty({ enum: STOCK_STATES, enumName: 'StockState' })
  from!: StockState;

  @ApiProperty({ enum: STOCK_STATES, enumName: 'StockState' })
  to!: StockState;

  @ApiProperty({ example: 5 })
  onHand!: number;

  @ApiProperty({ example: 2 })
  reserved!: number;

  @ApiProperty({ example: 3 })
  available!: number;

  @ApiProperty({ enum: STOCK_STATE_CAUSES, enumName: 'StockStateCause' })
  cause!: StockStateCause;
}

/** What inventory publishes: the reservation lifecycle and the stock it moves. */
export const INVENTORY_EVENTS = defineEvents({
  'reservation.created': { aggregate: 'reservation', payload: ReservationEventPayload },
  'reservation.extended': { aggregate: 'reservation', payload: ReservationEventPayload },
  'reservation.confirmed': { aggregate: 'reservation', payload: ReservationEventPayload },
  'reservation.cancelled': { aggregate: 'reservation', payload: ReservationEventPayload },
  'reservation.expired': { aggregate: 'reservation', payload: ReservationEventPayload },
  'stock.changed': { aggregate: 'stock', payload: StockChangedPayload },
  'stock.low': { aggregate: 'stock', payload: StockStatePayload },
  'stock.out': { aggregate: 'stock', payload: StockStatePayload },
  'stock.back_in_stock': { aggregate: 'stock', payload: StockStatePayload },
});
export type InventoryEventType = keyof typeof INVENTORY_EVENTS;

export function reservationCreatedEvent(reservation: ReservationView): NewOutboxEvent<ReservationEventPayload> {
  return {
    type: 'reservation.created',
    aggregateType: 'reservation',
    aggregateId: reservation.id,
    payload: {
      ...reservationFields(reservation),
      items: reservation.items.map((item) => ({ variantId: item.variantId, quantity: item.quantity })),
      total: reservation.total.toString(),
      currency: reservation.currency,
    },
  };
}

export function reservationExtendedEvent(
  reservation: ReservationView,
  extended: { expiresAt: Date; extendedCount: number },
): NewOutboxEvent<ReservationEventPayload> {
  return {
    type: 'reservation.extended',
    aggregateType: 'reservation',
    aggregateId: reservation.id,
    payload: reservationFields({ ...reservation, ...extended }),
  };
}

export function reservationClosedEvents(
  closed: readonly ClosedReservation[],
): NewOutboxEvent<ReservationEventPayload>[] {
  return closed.map((reservation) => ({
    type: CLOSED_EVENT_TYPES[reservation.status as keyof typeof CLOSED_EVENT_TYPES],
    aggregateType: 'reservation',
    aggregateId: reservation.id,
    payload: reservationFields(reservation),
  }));
}

function reservationFields(
  reservation: Pick<ReservationView, 'id' | 'status' | 'ownerId' | 'ownerRef' | 'expiresAt' | 'extendedCount'> & {
    closedAt: Date | null;
  },
): ReservationEventPayload {
  return {
    reservationId: reservation.id,
    status: reservation.status,
    customerId: reservation.ownerId,
    ownerRef: reservation.ownerRef,
    expiresAt: reservation.expiresAt.toISOString(),
    extendedCount: reservation.extendedCount,
    closedAt: reservation.closedAt?.toISOString() ?? null,
  };
}

export function stockChangedEvent(
  figures: StockFigures,
  state: StockState,
  cause: StockStateCause,
): NewOutboxEvent<StockChangedPayload> {
  return {
    type: 'stock.changed',
    aggregateType: 'stock',
    aggregateId: figures.variantId,
    payload: {
      variantId: figures.variantId,
      onHand: figures.onHand,
      reserved: figures.reserved,
      available: figures.onHand - figures.reserved,
      state,
      cause,
    },
  };
}

/** The event of a state change, if it announces one (LOW_STOCK → IN_STOCK does not). */
export function stockStateEvent(change: NewStockStateChange): NewOutboxEvent<StockStatePayload> | null {
  if (change.event === null) return null;
  return {
    type: change.event as StockEventName,
    aggregateType: 'stock',
    aggregateId: change.variantId,
    payload: {
      variantId: change.variantId,
      from: change.fromState,
      to: change.toState,
      onHand: change.onHand,
      reserved: change.reserved,
      available: change.onHand - change.reserved,
      cause: change.cause,
    },
  };
}
