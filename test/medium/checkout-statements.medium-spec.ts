import { CatalogService } from '../../src/products';
import { cartUseCases, newCart } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { newStockedVariant } from '../support/inventory.factory';
import { MediumContext, startMediumContext } from '../support/medium';
import { reservationsOf } from '../support/rows';
import { statementsSentBy } from '../support/statements';
import { queuePrefix } from '../support/test-app';

/**
 * The round trips of a checkout, pinned: every statement is a round trip paid by every
 * checkout, and those between the stock lock and COMMIT are paid while other buyers of
 * the same variant wait. A change that adds one fails here and has to say why.
 */
describe('the statements a checkout and a first add send', () => {
  let t: MediumContext;
  let cart: ReturnType<typeof cartUseCases>;

  beforeAll(async () => {
    // An API process (no relay or jobs of its own in this process), and a far sweep.
    t = await startMediumContext({
      APP_ROLE: 'api',
      QUEUE_PREFIX: queuePrefix('checkout-statements'),
      RESERVATION_SWEEP_SECONDS: '3600',
    });
    cart = cartUseCases(t);
  });

  afterAll(async () => {
    await t.close();
  });

  async function checkoutOfOneLine(idempotencyKey?: string) {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    await newCart(t, customer, [{ variant, quantity: 2, unitPrice: '12.50' }]);
    const { sent } = await statementsSentBy(() => cart.checkout(customer, idempotencyKey));
    expect(await reservationsOf(t, customer)).toHaveLength(1);
    return sent;
  }

  /** The statements from the stock lock to the end: what other buyers of the variant wait through. */
  function lockWindowOf(summary: string[]): string[] {
    return summary.slice(summary.findIndex((statement) => statement.includes('"overdue"')));
  }

  it('sends eight statements without an Idempotency-Key, three of them inside the stock lock', async () => {
    const { summary } = await checkoutOfOneLine();

    expect(summary).toEqual([
      expect.stringMatching(/^SELECT c.id, c.customer_id/), // the cart with its lines and price snapshots
      expect.stringMatching(/^SELECT v\.id FROM variants/), // which lines are still sold
      expect.stringMatching(/^START TRANSACTION; SET LOCAL statement_timeout/), // its bounds ride with the BEGIN
      expect.stringMatching(/^UPDATE carts SET status = 'CHECKED_OUT'/), // guarded by the version read
      expect.stringMatching(/^SELECT pg_advisory_xact_lock/), // the customer's reservations, one at a time
      expect.stringMatching(/^WITH "overdue" AS/), // stock rows FOR UPDATE, overdue holds, holds and limits
      expect.stringMatching(/^WITH reservation AS/), // reservation, items, counters, ledger, outbox events
      'COMMIT',
    ]);
    expect(lockWindowOf(summary)).toHaveLength(3);
  });

  it('adds the key: its lookup before, its claim, and its answer inside the stock lock', async () => {
    const { summary, texts } = await checkoutOfOneLine('statements-key');

    expect(summary).toHaveLength(11);
    expect(texts.filter((statement) => /idempotency_keys/.test(statement))).toHaveLength(3);
    expect(lockWindowOf(summary)).toEqual([
      expect.stringMatching(/^WITH "overdue" AS/),
      expect.stringMatching(/^WITH reservation AS/),
      expect.stringMatching(/^UPDATE "idempotency_keys"/),
      'COMMIT',
    ]);
  });

  it('writes every event of the checkout with the reservation: no outbox statement of its own', async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    await newCart(t, customer, [{ variant, quantity: 2, unitPrice: '12.50' }]);

    const { sent } = await statementsSentBy(() => cart.checkout(customer));

    expect(sent.summary.filter((statement) => /outbox_events|pg_notify/.test(statement))).toEqual([]);
    const [reservation] = await reservationsOf(t, customer);
    const events: { type: string; aggregate_id: string }[] = await t.dataSource.query(
      `SELECT type, aggregate_id FROM outbox_events
        WHERE (aggregate_type = 'reservation' AND aggregate_id = $1) OR (aggregate_type = 'stock' AND aggregate_id = $2)
        ORDER BY seq`,
      [reservation.id, String(variant.id)],
    );
    expect(events.map((event) => event.type)).toEqual(['stock.changed', 'reservation.created']);
  });

  it("sends seven statements for a new customer's first add, three of them before its transaction", async () => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand: 10 });
    // As in a sale: the variant is in this instance's catalog read model already.
    await t.get(CatalogService).findVariant(variant.id);

    const { sent } = await statementsSentBy(() => cart.addItem(customer, variant.id, 1));

    expect(sent.summary).toEqual([
      expect.stringMatching(/^SELECT c.id, c.customer_id/), // the active cart (none)
      expect.stringMatching(/^SELECT \* FROM carts WHERE customer_id = \$1 ORDER BY/), // the latest cart, to give back a released one (none)
      expect.stringMatching(/^SELECT s\.variant_id, s\.on_hand - s\.reserved AS available/), // limits and stock
      expect.stringMatching(/^START TRANSACTION; SET LOCAL statement_timeout/), // its bounds ride with the BEGIN
      // No cart was read: it is opened at once (a cart opened meanwhile would be locked instead),
      // and a cart this transaction opened has no line to look for.
      expect.stringMatching(/^INSERT INTO carts/), // opened, RETURNING the row
      expect.stringMatching(/^WITH line AS \( INSERT INTO cart_items/), // the line, its cart-size guard, the version
      'COMMIT',
    ]);
  });
});
