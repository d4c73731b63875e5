// What other modules may use of inventory: its Nest modules, its facade and what the
// facade's callers name (errors they catch, events they react to, the reservation schema).
export { InventoryModule } from './inventory.module';
export { InventoryJobsModule } from './reservations/reservation-expiry.processor';
export { InventoryService } from './inventory.service';
export { INVENTORY_ERRORS, InventoryErrorCode, ReservationNotFoundError } from './inventory.errors';
export { INVENTORY_EVENTS } from './inventory-events';
export type { ReservationEventPayload } from './inventory-events';
export { ReservationEvents } from './reservations/reservation.events';
export type { ReservationReleasedEvent } from './reservations/reservation.events';
export { RESERVATIONS_QUEUE } from './reservations/reservation-expiry.queue';
export type { ReservationView } from './reservations/reservation-views';
export { ReservationDto } from './reservations/dto/reservation.dto';
