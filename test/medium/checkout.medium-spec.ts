import { CheckoutService } from '../../src/cart/checkout.service';
import { InsufficientStockError } from '../../src/inventory/inventory.errors';
import { cartUseCases, newCart } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { newStockedVariant, stockDrift } from '../support/inventory.factory';
import { MediumContext, startMediumContext } from '../support/medium';
import { cartRowsOf, reservationsOf, stockRowOf } from '../support/rows';
import { queuePrefix } from '../support/test-app';

describe(CheckoutService.name, () => {
  let t: MediumContext;
  let cart: ReturnType<typeof cartUseCases>;

  beforeAll(async () => {
    // Queues of their own and a far sweep: only the tests move these reservations.
    t = await startMediumContext({ QUEUE_PREFIX: queuePrefix('checkout'), RESERVATION_SWEEP_SECONDS: '3600' });
    cart = cartUseCases(t);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  it("reserves a cart's lines at their price snapshots and points the cart at the reservation", async () => {
    const customer = newCustomer(t);
    const shirt = await newStockedVariant(t, { onHand: 10 });
    const socks = await newStockedVariant(t, { onHand: 5 });
    const cartId = await newCart(t, customer, [
      { variant: shirt, quantity: 2, unitPrice: '12.50' },
      { variant: socks, quantity: 1, unitPrice: '4.00' },
    ]);

    await cart.checkout(customer);

    const [reservation] = await reservationsOf(t, customer);
    expect(reservation).toEqual({ id: expect.any(String), status: 'ACTIVE', owner_ref: cartId });
    expect(await cartRowsOf(t, customer)).toEqual([
      { id: cartId, status: 'CHECKED_OUT', reservation_id: reservation.id, checked_out_at: expect.any(Date) },
    ]);
    expect(await stockRowOf(t, shirt.id)).toMatchObject({ onHand: 10, reserved: 2 });
    expect(await stockRowOf(t, socks.id)).toMatchObject({ onHand: 5, reserved: 1 });
    const read = await cart.getCart(customer);
    expect(read).toMatchObject({ id: null, items: [] });
  });

  it('refuses a cart with a short line as a whole: the cart stays ACTIVE and nothing is reserved', async () => {
    const customer = newCustomer(t);
    const plenty = await newStockedVariant(t, { onHand: 10 });
    const scarce = await newStockedVariant(t, { onHand: 1 });
    const cartId = await newCart(t, customer, [
      { variant: plenty, quantity: 3, unitPrice: '10.00' },
      { variant: scarce, quantity: 2, unitPrice: '10.00' },
    ]);

    const refused = await cart.checkout(customer).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(InsufficientStockError);
    expect((refused as InsufficientStockError).lines).toEqual([{ variantId: scarce.id, requested: 2, available: 1 }]);
    expect(await cartRowsOf(t, customer)).toEqual([
      { id: cartId, status: 'ACTIVE', reservation_id: null, checked_out_at: null },
    ]);
    expect(await reservationsOf(t, customer)).toEqual([]);
    expect(await stockRowOf(t, plenty.id)).toMatchObject({ reserved: 0 });
  });
});
