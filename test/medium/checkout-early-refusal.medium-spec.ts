import { PurchaseLimitExceededError } from '../../src/inventory/inventory.errors';
import { InsufficientStockError } from '../../src/inventory/inventory.errors';
import { StockService } from '../../src/inventory/stock/stock.service';
import { newCustomer } from '../support/customer.factory';
import { cartUseCases, newCart } from '../support/cart.factory';
import { newStockedVariant, stockDrift } from '../support/inventory.factory';
import { MediumContext, startMediumContext } from '../support/medium';
import { reservationsOf, stockRowOf } from '../support/rows';
import { statementsSentBy } from '../support/statements';
import { queuePrefix } from '../support/test-app';

/**
 * A sale's sold-out variant: the buyers who arrive after the last unit are refused from
 * one read without locks, before any transaction, in the order a reserve refuses.
 */
describe('checkout of a variant seen scarce', () => {
  let t: MediumContext;
  let cart: ReturnType<typeof cartUseCases>;

  beforeAll(async () => {
    t = await startMediumContext({
      APP_ROLE: 'api',
      QUEUE_PREFIX: queuePrefix('early-refusal'),
      RESERVATION_SWEEP_SECONDS: '3600',
    });
    cart = cartUseCases(t);
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await stockDrift(t)).toEqual([]);
  });

  /** A customer whose cart holds `quantity` units of the variant; checking out is left to the test. */
  async function buyerOf(variant: { id: number; sku: string }, quantity = 1) {
    const customer = newCustomer(t);
    await newCart(t, customer, [{ variant, quantity, unitPrice: '10.00' }]);
    return customer;
  }

  it('refuses the buyer after the last unit without opening a transaction', async () => {
    const variant = await newStockedVariant(t, { onHand: 1 });
    await cart.checkout(await buyerOf(variant));
    const late = await buyerOf(variant);

    const { result, sent } = await statementsSentBy(() => cart.checkout(late).catch((error: unknown) => error));

    expect(result).toBeInstanceOf(InsufficientStockError);
    expect((result as InsufficientStockError).lines).toEqual([{ variantId: variant.id, requested: 1, available: 0 }]);
    expect(sent.summary.filter((statement) => statement.startsWith('START TRANSACTION'))).toEqual([]);
    expect(await reservationsOf(t, late)).toEqual([]);
  });

  it('answers a purchase limit before the stock, as a reserve does', async () => {
    const variant = await newStockedVariant(t, { onHand: 1 });
    await t.get(StockService).setLimits(variant.id, { maxPerCustomer: 1 });
    const buyer = await buyerOf(variant);
    await cart.checkout(buyer);
    // The same customer again, with a new cart: over their limit, and the variant is sold out.
    await newCart(t, buyer, [{ variant, quantity: 1, unitPrice: '10.00' }]);

    const refused = await cart.checkout(buyer).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(PurchaseLimitExceededError);
  });

  it('lets a buyer through once the variant is restocked: the read decides, not the memory', async () => {
    const variant = await newStockedVariant(t, { onHand: 1 });
    await cart.checkout(await buyerOf(variant));
    await t.dataSource.query(
      `WITH restocked AS (UPDATE stock_levels SET on_hand = on_hand + 5, version = version + 1
                           WHERE variant_id = $1 RETURNING on_hand, reserved)
       INSERT INTO stock_movements (variant_id, reason, delta, reserved_delta, on_hand_after, reserved_after, actor)
       SELECT $1, 'RESTOCK', 5, 0, on_hand, reserved, 'test' FROM restocked`,
      [variant.id],
    );
    const next = await buyerOf(variant);

    await cart.checkout(next);

    expect(await reservationsOf(t, next)).toHaveLength(1);
    expect(await stockRowOf(t, variant.id)).toMatchObject({ onHand: 6, reserved: 2 });
  });
});
