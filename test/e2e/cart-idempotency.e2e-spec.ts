import { addItem, checkout, getCart } from '../support/cart.factory';
import { Customer, newCustomer } from '../support/customer.factory';
import { auditDrift, newStockedVariant, setStock, stockOf, StockedVariant } from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { cartStatusesOf, idempotencyKeysOf, reservationsOf } from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

/**
 * The Idempotency-Key of POST /api/cart/checkout and POST /api/cart/items: replays,
 * reuse with another request, scoping to the customer, failed requests and validation of
 * the header. Expired keys: cart-idempotency-expiry.e2e-spec.ts; their purge: test/medium.
 */
const REPLAYED = 'idempotent-replayed';

/** POST /api/cart/items with a raw JSON text, so the order of its fields is the test's. */
function addItemRaw(t: TestApp, customer: Customer, json: string, idempotencyKey: string) {
  return t.http
    .post('/api/cart/items')
    .set('authorization', customer.auth)
    .set('content-type', 'application/json')
    .set('idempotency-key', idempotencyKey)
    .send(json);
}

describe('Idempotency-Key on the cart', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('cart-idempotency');
  });

  afterAll(async () => {
    expect(await auditDrift(t)).toEqual([]);
    await t.close();
  });

  /** A customer whose active cart holds `quantity` units of a new variant with `onHand` units. */
  const customerWithCart = async (
    onHand: number,
    quantity: number,
  ): Promise<{ customer: Customer; variant: StockedVariant; cartId: string }> => {
    const customer = newCustomer(t);
    const variant = await newStockedVariant(t, { onHand });
    await addItem(t, customer, variant.id, quantity).expect(201);
    const cart = await getCart(t, customer).expect(200);
    return { customer, variant, cartId: cart.body.id as string };
  };

  describe('checkout', () => {
    it('replays the same 201 and body with idempotent-replayed: true, and reserves nothing more', async () => {
      const { customer, variant } = await customerWithCart(5, 2);
      const key = unique('key');

      const first = await checkout(t, customer, key).expect(201);
      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(first.body).toMatchObject({
        status: 'ACTIVE',
        total: '1100.00',
        closedAt: null,
        items: [{ variantId: variant.id, sku: variant.sku, quantity: 2, unitPrice: '550.00', lineTotal: '1100.00' }],
      });
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 5, reserved: 2, available: 3 });

      const replay = await checkout(t, customer, key).expect(201);
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.headers['content-type']).toContain('application/json');
      expect(replay.body).toEqual(first.body);

      const again = await checkout(t, customer, key).expect(201);
      expect(again.headers[REPLAYED]).toBe('true');
      expect(again.body).toEqual(first.body);

      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 5, reserved: 2, available: 3 });
      expect(await reservationsOf(t, customer)).toEqual([
        expect.objectContaining({ id: first.body.id, status: 'ACTIVE' }),
      ]);
      expect(await idempotencyKeysOf(t, customer)).toEqual([{ key, response_status: 201 }]);
    });

    it('replays after the cart is checked out and after a new cart was started: that cart stays untouched', async () => {
      const { customer, variant, cartId } = await customerWithCart(5, 2);
      const key = unique('key');
      const first = await checkout(t, customer, key).expect(201);
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: null, items: [] });

      const afterCheckout = await checkout(t, customer, key).expect(201);
      expect(afterCheckout.headers[REPLAYED]).toBe('true');
      expect(afterCheckout.body).toEqual(first.body);

      // A new cart: the replay answers the old reservation and does not check this one out.
      const added = await addItem(t, customer, variant.id, 1).expect(201);
      const newCart = (await getCart(t, customer).expect(200)).body;
      expect(newCart.id).not.toBe(cartId);

      const withNewCart = await checkout(t, customer, key).expect(201);
      expect(withNewCart.headers[REPLAYED]).toBe('true');
      expect(withNewCart.body).toEqual(first.body);

      expect((await getCart(t, customer).expect(200)).body).toMatchObject({
        id: newCart.id,
        status: 'ACTIVE',
        items: [expect.objectContaining({ id: added.body.id, quantity: 1 })],
      });
      expect(await cartStatusesOf(t, customer)).toEqual([
        { id: cartId, status: 'CHECKED_OUT' },
        { id: newCart.id, status: 'ACTIVE' },
      ]);
      expect(await reservationsOf(t, customer)).toHaveLength(1);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 2 });
    });

    it('replays the stored answer as it was after the reservation was cancelled, and reserves nothing', async () => {
      const { customer, variant, cartId } = await customerWithCart(5, 3);
      const key = unique('key');
      const first = await checkout(t, customer, key).expect(201);

      const cancelled = await t.http
        .post(`/api/reservations/${first.body.id}/cancel`)
        .set('authorization', customer.auth)
        .expect(200);
      expect(cancelled.body.status).toBe('CANCELLED');
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 0 });

      const replay = await checkout(t, customer, key).expect(201);
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(replay.body.status).toBe('ACTIVE');
      expect(replay.body.closedAt).toBeNull();

      // Nothing was reserved again, and the reservation itself stays cancelled.
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 0 });
      expect(await reservationsOf(t, customer)).toEqual([
        expect.objectContaining({ id: first.body.id, status: 'CANCELLED', owner_ref: cartId }),
      ]);
      const reservation = await t.http
        .get(`/api/reservations/${first.body.id}`)
        .set('authorization', customer.auth)
        .expect(200);
      expect(reservation.body.status).toBe('CANCELLED');
    });

    it('answers concurrent duplicates with one reservation: one original and replays of it', async () => {
      const { customer, variant } = await customerWithCart(6, 4);
      const key = unique('key');

      const responses = await Promise.all(Array.from({ length: 5 }, () => checkout(t, customer, key)));

      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
      const ids = new Set(responses.map((response) => response.body.id));
      expect(ids.size).toBe(1);
      expect(responses.filter((response) => response.headers[REPLAYED] === undefined)).toHaveLength(1);
      expect(responses.filter((response) => response.headers[REPLAYED] === 'true')).toHaveLength(4);
      expect(await reservationsOf(t, customer)).toEqual([expect.objectContaining({ id: [...ids][0] })]);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 6, reserved: 4 });
    });
  });

  describe('the same key with another request', () => {
    it('is 422 IDEMPOTENCY_KEY_REUSED when a checkout key is used to add an item, which adds nothing', async () => {
      const { customer, variant } = await customerWithCart(5, 1);
      const key = unique('key');
      await checkout(t, customer, key).expect(201);

      const reused = await addItem(t, customer, variant.id, 1, key);

      expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(reused.body.status).toBe(422);
      expect(reused.headers[REPLAYED]).toBeUndefined();
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: null, items: [] });
      expect(await cartStatusesOf(t, customer)).toEqual([expect.objectContaining({ status: 'CHECKED_OUT' })]);
    });

    it('is 422 when an add key is used to check out, which reserves nothing', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 5 });
      const key = unique('key');
      await addItem(t, customer, variant.id, 2, key).expect(201);

      expectProblem(await checkout(t, customer, key), 422, 'IDEMPOTENCY_KEY_REUSED');

      expect(await reservationsOf(t, customer)).toEqual([]);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 5, reserved: 0 });
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({
        status: 'ACTIVE',
        items: [expect.objectContaining({ variantId: variant.id, quantity: 2 })],
      });
    });

    it('is 422 when an add key comes back with another quantity or another variant; the line keeps its units', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 10 });
      const other = await newStockedVariant(t, { onHand: 10 });
      const key = unique('key');
      const first = await addItem(t, customer, variant.id, 2, key).expect(201);

      expectProblem(await addItem(t, customer, variant.id, 3, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      expectProblem(await addItem(t, customer, other.id, 2, key), 422, 'IDEMPOTENCY_KEY_REUSED');

      const cart = (await getCart(t, customer).expect(200)).body;
      expect(cart.items).toEqual([first.body]);
      expect(cart.items[0].quantity).toBe(2);
      expect(await idempotencyKeysOf(t, customer)).toEqual([{ key, response_status: 201 }]);
    });

    it('is the same request when the body has its fields in another order (no 422, nothing added)', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 10 });
      const key = unique('key');

      const first = await addItemRaw(t, customer, `{"variantId":${variant.id},"quantity":2}`, key).expect(201);
      const reordered = await addItemRaw(t, customer, `{"quantity":2,"variantId":${variant.id}}`, key);
      const spaced = await addItemRaw(t, customer, `{ "quantity" : 2 , "variantId" : ${variant.id} }`, key);

      for (const replay of [reordered, spaced]) {
        expect(replay.status).toBe(201);
        expect(replay.headers[REPLAYED]).toBe('true');
        expect(replay.body).toEqual(first.body);
      }
      const cart = (await getCart(t, customer).expect(200)).body;
      expect(cart.items).toHaveLength(1);
      expect(cart.items[0]).toMatchObject({ id: first.body.id, quantity: 2 });
    });
  });

  describe('scope', () => {
    it("gives another customer using the same key a fresh result of its own, not the first customer's", async () => {
      const a = await customerWithCart(5, 2);
      const b = await customerWithCart(5, 3);
      const key = unique('shared-key');

      const ofA = await checkout(t, a.customer, key).expect(201);
      const ofB = await checkout(t, b.customer, key).expect(201);

      expect(ofB.headers[REPLAYED]).toBeUndefined();
      expect(ofB.body.id).not.toBe(ofA.body.id);
      expect(ofB.body.items).toEqual([
        expect.objectContaining({ variantId: b.variant.id, quantity: 3, lineTotal: '1650.00' }),
      ]);
      expect(await reservationsOf(t, a.customer)).toEqual([expect.objectContaining({ id: ofA.body.id })]);
      expect(await reservationsOf(t, b.customer)).toEqual([expect.objectContaining({ id: ofB.body.id })]);
      expect(await stockOf(t, a.variant.id)).toMatchObject({ reserved: 2 });
      expect(await stockOf(t, b.variant.id)).toMatchObject({ reserved: 3 });

      // Each customer's replay is their own answer.
      expect((await checkout(t, a.customer, key).expect(201)).body).toEqual(ofA.body);
      expect((await checkout(t, b.customer, key).expect(201)).body).toEqual(ofB.body);

      // A third customer may use the key on another operation: no 422, since it is not theirs.
      const c = newCustomer(t);
      const added = await addItem(t, c, a.variant.id, 1, key).expect(201);
      expect(added.headers[REPLAYED]).toBeUndefined();
      expect(added.body).toMatchObject({ variantId: a.variant.id, quantity: 1 });
    });
  });

  describe('adding an item', () => {
    it('replays the stored line without adding the units again', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 20 });
      const key = unique('key');

      const first = await addItem(t, customer, variant.id, 2, key).expect(201);
      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(first.body).toMatchObject({ variantId: variant.id, sku: variant.sku, quantity: 2, lineTotal: '1100.00' });

      const replay = await addItem(t, customer, variant.id, 2, key).expect(201);
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.body).toEqual(first.body);
      let cart = (await getCart(t, customer).expect(200)).body;
      expect(cart.items).toEqual([first.body]);
      expect(cart.subtotal).toBe('1100.00');

      // Without a key the units are added; the key still answers what it answered first.
      await addItem(t, customer, variant.id, 2).expect(201);
      const later = await addItem(t, customer, variant.id, 2, key).expect(201);
      expect(later.headers[REPLAYED]).toBe('true');
      expect(later.body).toEqual(first.body);
      cart = (await getCart(t, customer).expect(200)).body;
      expect(cart.items).toEqual([expect.objectContaining({ id: first.body.id, quantity: 4, lineTotal: '2200.00' })]);
    });

    it('adds once when duplicates race', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 20 });
      const key = unique('key');

      const responses = await Promise.all(Array.from({ length: 5 }, () => addItem(t, customer, variant.id, 3, key)));

      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
      expect(responses.filter((response) => response.headers[REPLAYED] === undefined)).toHaveLength(1);
      const original = responses.find((response) => response.headers[REPLAYED] === undefined)!;
      for (const response of responses) expect(response.body).toEqual(original.body);
      const cart = (await getCart(t, customer).expect(200)).body;
      expect(cart.items).toEqual([expect.objectContaining({ id: original.body.id, quantity: 3 })]);
      expect(await cartStatusesOf(t, customer)).toHaveLength(1);
    });
  });

  describe('a failed request', () => {
    it('stores nothing on 409 CART_EMPTY: the same key then checks out', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 5 });
      const key = unique('key');

      expectProblem(await checkout(t, customer, key), 409, 'CART_EMPTY');
      expect(await idempotencyKeysOf(t, customer)).toEqual([]);

      await addItem(t, customer, variant.id, 2).expect(201);
      const retried = await checkout(t, customer, key).expect(201);
      expect(retried.headers[REPLAYED]).toBeUndefined();
      expect(retried.body.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 2 })]);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 2 });
      expect(await idempotencyKeysOf(t, customer)).toEqual([{ key, response_status: 201 }]);

      const replay = await checkout(t, customer, key).expect(201);
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.body).toEqual(retried.body);
    });

    it('stores nothing on a checkout 409 INSUFFICIENT_STOCK: after a restock the same key checks out', async () => {
      const { customer, variant, cartId } = await customerWithCart(3, 3);
      const key = unique('key');
      await setStock(t, variant.id, 2);

      const short = await checkout(t, customer, key);
      expectProblem(short, 409, 'INSUFFICIENT_STOCK');
      expect(short.body.lines).toEqual([{ variantId: variant.id, requested: 3, available: 2 }]);
      expect(await idempotencyKeysOf(t, customer)).toEqual([]);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: cartId, status: 'ACTIVE' });

      await setStock(t, variant.id, 3);
      const retried = await checkout(t, customer, key).expect(201);
      expect(retried.headers[REPLAYED]).toBeUndefined();
      expect(await reservationsOf(t, customer)).toEqual([
        expect.objectContaining({ id: retried.body.id, status: 'ACTIVE', owner_ref: cartId }),
      ]);
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
    });

    it('stores nothing on an add 409 INSUFFICIENT_STOCK: after a restock the same key adds', async () => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 1 });
      const key = unique('key');

      const short = await addItem(t, customer, variant.id, 2, key);
      expectProblem(short, 409, 'INSUFFICIENT_STOCK');
      expect(short.body.lines).toEqual([{ variantId: variant.id, requested: 2, available: 1 }]);
      expect(await idempotencyKeysOf(t, customer)).toEqual([]);

      await setStock(t, variant.id, 2);
      const retried = await addItem(t, customer, variant.id, 2, key).expect(201);
      expect(retried.headers[REPLAYED]).toBeUndefined();
      expect(retried.body).toMatchObject({ variantId: variant.id, quantity: 2 });
      expect(await idempotencyKeysOf(t, customer)).toEqual([{ key, response_status: 201 }]);
    });
  });

  describe('validation of the header', () => {
    const invalidKeys: [string, string][] = [
      ['empty', ''],
      ['256 characters', 'k'.repeat(256)],
      ['with a space', 'my key'],
      ['with a tab', 'my\tkey'],
      ['non-ASCII', 'clé-1'],
    ];

    it.each(invalidKeys)('refuses a checkout key that is %s with 400 and reserves nothing', async (_name, key) => {
      const { customer, variant, cartId } = await customerWithCart(5, 1);

      const response = await checkout(t, customer, key);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'Idempotency-Key');
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 0 });
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: cartId, status: 'ACTIVE' });
      expect(await idempotencyKeysOf(t, customer)).toEqual([]);
    });

    it.each(invalidKeys)('refuses an add key that is %s with 400 and adds nothing', async (_name, key) => {
      const customer = newCustomer(t);
      const variant = await newStockedVariant(t, { onHand: 5 });

      const response = await addItem(t, customer, variant.id, 1, key);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'Idempotency-Key');
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: null, items: [] });
      expect(await idempotencyKeysOf(t, customer)).toEqual([]);
    });

    it('accepts 255 visible ASCII characters, and replays with them', async () => {
      const visible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
      const key = (visible + visible + visible).slice(0, 255);
      expect(key).toHaveLength(255);
      const { customer } = await customerWithCart(5, 1);

      const first = await checkout(t, customer, key).expect(201);
      const replay = await checkout(t, customer, key).expect(201);

      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(await idempotencyKeysOf(t, customer)).toEqual([{ key, response_status: 201 }]);
    });
  });
});
