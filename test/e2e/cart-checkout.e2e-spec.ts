import { ConfigService } from '@nestjs/config';
import {
  addItem,
  cartOf,
  checkout,
  emptyCart,
  fillCart,
  pricedVariant,
  removeItem,
  variantWithSeedRules,
} from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { UUID } from '../support/ids';
import { deleteVariant, setStock, stockOf } from '../support/inventory.factory';
import { createRule, quote, ruleBody } from '../support/pricing.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { reservationsOf, stockRowOf } from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';

describe('cart', () => {
  let t: TestApp;
  let currency: string;

  beforeAll(async () => {
    t = await startQuietTestApp('cart-checkout');
    currency = String(t.app.get(ConfigService).get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  const EMPTY_CART = () => emptyCart(currency);

  describe('POST /api/cart/checkout', () => {
    it('answers 409 CART_EMPTY for a customer who never had a cart, and opens none', async () => {
      const customer = newCustomer(t);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'CART_EMPTY');
      expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('answers 409 CART_EMPTY once every line was removed, and the cart stays ACTIVE', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const line = await addItem(t, customer, variant.id, 1).expect(201);
      await removeItem(t, customer, line.body.id).expect(204);
      const before = await cartOf(t, customer);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'CART_EMPTY');
      expect(before).toEqual({ ...EMPTY_CART(), id: expect.stringMatching(UUID) });
      expect(await cartOf(t, customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('answers 201 with an ACTIVE reservation at the snapshot prices, reserves the stock and closes the cart', async () => {
      const gold = newCustomer(t, 'GOLD');
      const discounted = await variantWithSeedRules(t, 20);
      const plain = await pricedVariant(t, 4);
      await fillCart(t, gold, [
        { variantId: discounted.id, quantity: 10 },
        { variantId: plain.id, quantity: 3 },
      ]);
      const cart = await cartOf(t, gold);

      const response = await checkout(t, gold);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        status: 'ACTIVE',
        expiresAt: expect.any(String),
        maxExpiresAt: expect.any(String),
        extendedCount: 0,
        createdAt: expect.any(String),
        closedAt: null,
        items: [
          { variantId: discounted.id, sku: discounted.sku, quantity: 10, unitPrice: '420.75', lineTotal: '4207.50' },
          // No tier rule covers this product's category: the GOLD token pays the base price.
          { variantId: plain.id, sku: plain.sku, quantity: 3, unitPrice: '550.00', lineTotal: '1650.00' },
        ].sort((a, b) => a.variantId - b.variantId),
        total: '5857.50',
        currency,
      });
      expect(response.body.total).toBe(cart.subtotal);
      expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.parse(response.body.createdAt));
      expect(await stockOf(t, discounted.id)).toEqual({
        variantId: discounted.id,
        onHand: 20,
        reserved: 10,
        available: 10,
      });
      expect(await stockOf(t, plain.id)).toEqual({ variantId: plain.id, onHand: 4, reserved: 3, available: 1 });
      expect(await reservationsOf(t, gold)).toEqual([{ id: response.body.id, status: 'ACTIVE', owner_ref: cart.id }]);
      const read = await t.http.get(`/api/reservations/${response.body.id}`).set('authorization', gold.auth);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);

      // The cart is closed: the customer has no active cart; the next add opens a new one.
      expect(await cartOf(t, gold)).toEqual(EMPTY_CART());
      const next = await addItem(t, gold, plain.id, 1).expect(201);
      const nextCart = await cartOf(t, gold);
      expect(nextCart.id).toMatch(UUID);
      expect(nextCart.id).not.toBe(cart.id);
      expect(nextCart.items).toEqual([next.body]);
    });

    it('charges the snapshot even when a pricing rule changes after the add', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const line = await addItem(t, customer, variant.id, 2).expect(201);
      expect(line.body.unitPrice).toBe('550.00');
      await createRule(
        t,
        ruleBody(
          { type: 'PRODUCT', id: variant.productId },
          { name: 'Half price', effect: { type: 'PERCENT_OFF', value: '50' } },
        ),
      );
      const requoted = await quote(t, variant.id, { quantity: 2 }).expect(200);
      expect(requoted.body.unitPrice).toBe('275.00');
      expect((await cartOf(t, customer)).items).toEqual([line.body]);

      const response = await checkout(t, customer);

      expect(response.status).toBe(201);
      expect(response.body.items).toEqual([
        { variantId: variant.id, sku: variant.sku, quantity: 2, unitPrice: '550.00', lineTotal: '1100.00' },
      ]);
      expect(response.body.total).toBe('1100.00');
    });

    it('keeps the SKU of the snapshot when the variant is renamed after the add', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      await addItem(t, customer, variant.id, 1).expect(201);
      await t.http
        .patch(`/api/products/variants/${variant.id}`)
        .set('authorization', t.admin)
        .send({ sku: unique('RENAMED').toUpperCase() })
        .expect(200);

      const response = await checkout(t, customer).expect(201);

      expect(response.body.items).toEqual([expect.objectContaining({ variantId: variant.id, sku: variant.sku })]);
    });

    it('answers 409 INSUFFICIENT_STOCK listing every short line; the cart is untouched and nothing is reserved', async () => {
      const customer = newCustomer(t);
      const first = await pricedVariant(t, 10);
      const second = await pricedVariant(t, 10);
      const third = await pricedVariant(t, 10);
      await fillCart(t, customer, [
        { variantId: first.id, quantity: 5 },
        { variantId: second.id, quantity: 6 },
        { variantId: third.id, quantity: 2 },
      ]);
      await setStock(t, first.id, 3);
      await setStock(t, third.id, 1);
      const before = await cartOf(t, customer);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      const byVariant = (a: { variantId: number }, b: { variantId: number }) => a.variantId - b.variantId;
      expect([...response.body.lines].sort(byVariant)).toEqual(
        [
          { variantId: first.id, requested: 5, available: 3 },
          { variantId: third.id, requested: 2, available: 1 },
        ].sort(byVariant),
      );
      expect(await cartOf(t, customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect(await stockOf(t, first.id)).toEqual({ variantId: first.id, onHand: 3, reserved: 0, available: 3 });
      expect(await stockOf(t, second.id)).toEqual({ variantId: second.id, onHand: 10, reserved: 0, available: 10 });
      expect(await stockOf(t, third.id)).toEqual({ variantId: third.id, onHand: 1, reserved: 0, available: 1 });

      // Once the stock is back, the same cart checks out.
      await setStock(t, first.id, 5);
      await setStock(t, third.id, 2);
      const retried = await checkout(t, customer);
      expect(retried.status).toBe(201);
      expect(retried.body.total).toBe(before.subtotal);
    });

    it('answers 409 INSUFFICIENT_STOCK with available 0 for a line whose variant was deleted after the add', async () => {
      const customer = newCustomer(t);
      const kept = await pricedVariant(t, 10);
      const deleted = await pricedVariant(t, 10);
      await fillCart(t, customer, [
        { variantId: kept.id, quantity: 2 },
        { variantId: deleted.id, quantity: 3 },
      ]);
      await deleteVariant(t, deleted.id);
      const before = await cartOf(t, customer);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual([{ variantId: deleted.id, requested: 3, available: 0 }]);
      expect(await cartOf(t, customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect((await stockOf(t, kept.id)).reserved).toBe(0);
      // The deleted variant's stock is no longer readable through the API; its row stays.
      expect((await stockRowOf(t, deleted.id)).reserved).toBe(0);

      // Removing the line the customer can no longer buy lets the rest check out.
      const deletedLine = before.items.find((item: { variantId: number }) => item.variantId === deleted.id);
      await removeItem(t, customer, deletedLine.id).expect(204);
      const retried = await checkout(t, customer);
      expect(retried.status).toBe(201);
      expect(retried.body.items).toEqual([expect.objectContaining({ variantId: kept.id, quantity: 2 })]);
    });

    it('lists deleted and short lines in one answer, so one fix of the cart is enough', async () => {
      const customer = newCustomer(t);
      const short = await pricedVariant(t, 10);
      const deleted = await pricedVariant(t, 10);
      const fine = await pricedVariant(t, 10);
      await fillCart(t, customer, [
        { variantId: short.id, quantity: 5 },
        { variantId: deleted.id, quantity: 5 },
        { variantId: fine.id, quantity: 1 },
      ]);
      await setStock(t, short.id, 2);
      await deleteVariant(t, deleted.id);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual(
        [
          { variantId: short.id, requested: 5, available: 2 },
          { variantId: deleted.id, requested: 5, available: 0 },
        ].sort((a, b) => a.variantId - b.variantId),
      );
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('treats a line whose product was deleted after the add like a deleted variant', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await addItem(t, customer, variant.id, 4).expect(201);
      await t.http.delete(`/api/products/${variant.productId}`).set('authorization', t.admin).expect(204);
      const before = await cartOf(t, customer);

      const more = await addItem(t, customer, variant.id, 1);
      const response = await checkout(t, customer);

      expectProblem(more, 404, 'NOT_FOUND');
      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 4, available: 0 }]);
      expect(await cartOf(t, customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect((await stockRowOf(t, variant.id)).reserved).toBe(0);
    });

    it('refuses a body (checkout takes none) with 400, reserving nothing; an empty object is accepted', async () => {
      const customer = newCustomer(t, 'STANDARD');
      const variant = await pricedVariant(t, 10);
      await addItem(t, customer, variant.id, 2).expect(201);

      const withTier = await checkout(t, customer).send({ tier: 'GOLD' });
      const withArray = await checkout(t, customer).send([1]);

      expectFieldError(withTier, 'tier');
      expectProblem(withArray, 400, 'VALIDATION_FAILED');
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
      expect((await cartOf(t, customer)).items).toHaveLength(1);
      const accepted = await checkout(t, customer).send({});
      expect(accepted.status).toBe(201);
      expect(accepted.body.total).toBe('1100.00');

      const confirmWithBody = await t.http
        .post(`/api/reservations/${accepted.body.id}/confirm`)
        .set('authorization', t.admin)
        .send({ status: 'CONFIRMED' });
      expectFieldError(confirmWithBody, 'status');
      expect((await stockOf(t, variant.id)).reserved).toBe(2);
    });

    it('answers a second checkout of the same cart with the reservation it holds, reserving nothing more', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await addItem(t, customer, variant.id, 2).expect(201);
      const first = await checkout(t, customer).expect(201);

      const again = await checkout(t, customer).expect(200);

      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await stockOf(t, variant.id)).reserved).toBe(2);
      expect(await reservationsOf(t, customer)).toHaveLength(1);
    });

    it('answers 409 CART_EMPTY to a checkout after the last one was confirmed', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await addItem(t, customer, variant.id, 1).expect(201);
      const first = await checkout(t, customer).expect(201);
      await t.http.post(`/api/reservations/${first.body.id}/confirm`).set('authorization', t.admin).expect(200);

      expectProblem(await checkout(t, customer), 409, 'CART_EMPTY');
      expect(await reservationsOf(t, customer)).toHaveLength(1);
    });
  });
});
