import { APP_EVENTS } from './app.events';

describe('APP_EVENTS', () => {
  it("holds every module's events, in the order webhook subscribers see them listed", () => {
    expect(APP_EVENTS.types).toEqual([
      'reservation.created',
      'reservation.extended',
      'reservation.confirmed',
      'reservation.cancelled',
      'reservation.expired',
      'stock.changed',
      'stock.low',
      'stock.out',
      'stock.back_in_stock',
      'price.rules_changed',
      'catalog.variant_changed',
    ]);
  });

  it.each(APP_EVENTS.types)('documents the payload of %s', (type) => {
    expect(APP_EVENTS.definitionOf(type)?.payload.name).toMatch(/Payload$/);
  });
});
