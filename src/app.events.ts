import { INVENTORY_EVENTS } from './inventory';
import { EventCatalog } from './outbox';
import { PRICING_EVENTS } from './pricing';
import { CATALOG_EVENTS } from './products';

/** Every event the application publishes: each module declares its own, the outbox delivers them. */
export const APP_EVENTS = EventCatalog.compose(INVENTORY_EVENTS, PRICING_EVENTS, CATALOG_EVENTS);
