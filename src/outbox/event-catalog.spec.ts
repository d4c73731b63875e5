import { defineEvents, EventCatalog } from './event-catalog';

class Payload {}

describe('EventCatalog', () => {
  const ORDERS = defineEvents({
    'order.placed': { aggregate: 'order', payload: Payload },
    'order.shipped': { aggregate: 'order', payload: Payload },
  });
  const STOCK = defineEvents({ 'stock.counted': { aggregate: 'stock', payload: Payload } });

  it("lists each module's types in the order they were composed", () => {
    const catalog = EventCatalog.compose(ORDERS, STOCK);

    expect(catalog.types).toEqual(['order.placed', 'order.shipped', 'stock.counted']);
    expect(catalog.definitionOf('stock.counted')).toEqual({ aggregate: 'stock', payload: Payload });
    expect(catalog.has('order.cancelled')).toBe(false);
  });

  it('refuses a type two modules declare', () => {
    expect(() => EventCatalog.compose(ORDERS, defineEvents({ 'order.placed': ORDERS['order.placed'] }))).toThrow(
      'The event type order.placed is declared twice',
    );
  });

  it('refuses a type name that is not `<noun>.<event>`', () => {
    expect(() => defineEvents({ OrderPlaced: { aggregate: 'order', payload: Payload } })).toThrow(
      'Invalid event type: OrderPlaced',
    );
  });

  it('names who used an undeclared type', () => {
    const catalog = EventCatalog.compose(ORDERS);

    expect(() => catalog.assertDeclared(['order.placed'], 'The consumer c')).not.toThrow();
    expect(() => catalog.assertDeclared(['order.placed', 'order.lost'], 'The consumer c')).toThrow(
      'The consumer c uses the undeclared event type order.lost',
    );
  });
});
