export { InventoryJobsModule } from './reservation-expiry.processor';
export { InventoryModule } from './inventory.module';
export { InventoryService } from './inventory.service';
export {
  INVENTORY_ERRORS,
  InsufficientStockError,
  InventoryErrorCode,
  PurchaseLimitExceededError,
  ReservationNotActiveError,
  ReservationNotFoundError,
} from './inventory.errors';
export type { LimitedLine, ShortLine } from './inventory.errors';
export { STOCK_STATES, StockEvents } from './stock-state';
export type { StockState, StockStateChangedEvent } from './stock-state';
export { RESERVATION_STATUSES } from './reservation.entity';
export type { ReservationStatus } from './reservation.entity';
export { ReservationEvents } from './reservation.events';
export { RESERVATIONS_QUEUE } from './reservation-expiry.queue';
export type { ReleaseReason, ReservationEvent, ReservationReleasedEvent } from './reservation.events';
export type { ReservationItemView, ReservationView } from './reservation.repository';
export { ReservationDto } from './dto/reservation.dto';
export type { ReserveRequest } from './reservations.service';
export type { ReserveLine } from './reserve-lines';
export type { StockAvailability } from './stock.repository';
export { INVENTORY_EVENTS } from './inventory-events';
export type { ReservationEventPayload } from './inventory-events';
