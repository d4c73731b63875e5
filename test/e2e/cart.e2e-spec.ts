import { ConfigService } from '@nestjs/config';
import {
  addItem,
  cartOf,
  checkout,
  emptyCart,
  expectedLine,
  fillCart,
  getCart,
  pricedVariant,
  removeItem,
  updateItem,
  variantWithSeedRules,
  volumeRule,
} from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_UUID, UUID } from '../support/ids';
import { stockOf } from '../support/inventory.factory';
import { expectProblem, PROBLEM_JSON } from '../support/problem';
import { startQuietTestApp, TestApp } from '../support/test-app';

describe('cart', () => {
  let t: TestApp;
  let currency: string;

  beforeAll(async () => {
    t = await startQuietTestApp('cart');
    currency = String(t.app.get(ConfigService).get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  const EMPTY_CART = () => emptyCart(currency);

  describe('GET /api/cart', () => {
    it('answers an empty cart with a null id when the customer never added anything', async () => {
      const customer = newCustomer(t);

      const response = await getCart(t, customer);

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toEqual({
        id: null,
        status: 'ACTIVE',
        items: [],
        subtotal: '0.00',
        savings: '0.00',
        currency: 'USD',
      });
    });

    it('lists the lines in the order added, with subtotal = sum of line totals and savings = base total - subtotal', async () => {
      const customer = newCustomer(t);
      const discounted = await variantWithSeedRules(t, 20);
      const plain = await pricedVariant(t, 20);
      await fillCart(t, customer, [
        { variantId: discounted.id, quantity: 10 },
        { variantId: plain.id, quantity: 2 },
      ]);

      const cart = await cartOf(t, customer);

      expect(cart).toEqual({
        id: expect.stringMatching(UUID),
        status: 'ACTIVE',
        items: [
          expectedLine(discounted, 10, '495.00', '4950.00', [volumeRule(discounted.rules)]),
          expectedLine(plain, 2, '550.00', '1100.00'),
        ],
        // 4950.00 + 1100.00; base 5500.00 + 1100.00 = 6600.00
        subtotal: '6050.00',
        savings: '550.00',
        currency,
      });
    });

    it("never shows another customer's cart", async () => {
      const owner = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      await addItem(t, owner, variant.id, 1).expect(201);

      const stranger = await cartOf(t, newCustomer(t));

      expect(stranger).toEqual(EMPTY_CART());
      expect((await cartOf(t, owner)).items).toHaveLength(1);
    });
  });

  describe("another customer's resources", () => {
    it("answers 404 to PATCH and DELETE of another customer's item, exactly as for an unknown one", async () => {
      const owner = newCustomer(t);
      const stranger = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      const line = await addItem(t, owner, variant.id, 2).expect(201);
      const ownerCart = await cartOf(t, owner);
      // The stranger has a cart of their own too.
      await addItem(t, stranger, variant.id, 1).expect(201);

      const patched = await updateItem(t, stranger, line.body.id, 5);
      const removed = await removeItem(t, stranger, line.body.id);
      const unknown = await updateItem(t, stranger, UNKNOWN_UUID, 5);

      expectProblem(patched, 404, 'NOT_FOUND');
      expectProblem(removed, 404, 'NOT_FOUND');
      expectProblem(unknown, 404, 'NOT_FOUND');
      expect(patched.body.detail.replace(line.body.id, '<id>')).toBe(unknown.body.detail.replace(UNKNOWN_UUID, '<id>'));
      expect(await cartOf(t, owner)).toEqual(ownerCart);
      expect((await cartOf(t, stranger)).items).toEqual([
        expect.objectContaining({ variantId: variant.id, quantity: 1 }),
      ]);
    });

    it("answers 404 to PATCH and DELETE of another customer's item when the caller has no cart", async () => {
      const owner = newCustomer(t);
      const stranger = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      const line = await addItem(t, owner, variant.id, 2).expect(201);
      const ownerCart = await cartOf(t, owner);

      expectProblem(await updateItem(t, stranger, line.body.id, 5), 404, 'NOT_FOUND');
      expectProblem(await removeItem(t, stranger, line.body.id), 404, 'NOT_FOUND');

      expect(await cartOf(t, owner)).toEqual(ownerCart);
      expect(await cartOf(t, stranger)).toEqual(EMPTY_CART());
    });

    it("answers 404 to GET and cancel of another customer's reservation, which stays ACTIVE", async () => {
      const owner = newCustomer(t);
      const stranger = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await addItem(t, owner, variant.id, 2).expect(201);
      const reservation = (await checkout(t, owner).expect(201)).body;

      const read = await t.http.get(`/api/reservations/${reservation.id}`).set('authorization', stranger.auth);
      const cancelled = await t.http
        .post(`/api/reservations/${reservation.id}/cancel`)
        .set('authorization', stranger.auth);

      expectProblem(read, 404, 'NOT_FOUND');
      expectProblem(cancelled, 404, 'NOT_FOUND');
      expect(JSON.stringify(read.body)).not.toContain(reservation.total);
      const mine = await t.http.get(`/api/reservations/${reservation.id}`).set('authorization', owner.auth);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: reservation.id, status: 'ACTIVE' });
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 10, reserved: 2, available: 8 });
    });
  });

  describe('authentication', () => {
    const routes: [string, (app: TestApp) => ReturnType<TestApp['http']['get']>][] = [
      ['GET /api/cart', (app) => app.http.get('/api/cart')],
      ['POST /api/cart/items', (app) => app.http.post('/api/cart/items').send({ variantId: 1, quantity: 1 })],
      [
        'PATCH /api/cart/items/:itemId',
        (app) => app.http.patch(`/api/cart/items/${UNKNOWN_UUID}`).send({ quantity: 1 }),
      ],
      ['DELETE /api/cart/items/:itemId', (app) => app.http.delete(`/api/cart/items/${UNKNOWN_UUID}`)],
      ['POST /api/cart/checkout', (app) => app.http.post('/api/cart/checkout')],
    ];

    it.each(routes)('answers %s without a token with 401 problem+json', async (_route, send) => {
      const response = await send(t);

      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(response.headers['content-type']).toContain(PROBLEM_JSON);
    });

    it.each(routes)('answers %s with a garbage token with 401', async (_route, send) => {
      const response = await send(t).set('authorization', 'Bearer garbage');

      expectProblem(response, 401, 'UNAUTHENTICATED');
    });
  });
});
