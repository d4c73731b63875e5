import { ConfigService } from '@nestjs/config';
import { MAX_LINE_QUANTITY } from '../../src/cart/cart-item.entity';
import {
  addItem,
  cartOf,
  checkout,
  emptyCart,
  expectedLine,
  pricedVariant,
  removeItem,
  updateItem,
  variantWithSeedRules,
  volumeRule,
} from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_UUID } from '../support/ids';
import { stockOf } from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { startQuietTestApp, TestApp } from '../support/test-app';
import { sleep } from '../support/wait';

describe('cart', () => {
  let t: TestApp;
  let currency: string;

  beforeAll(async () => {
    t = await startQuietTestApp('cart-item-edits');
    currency = String(t.app.get(ConfigService).get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  const EMPTY_CART = () => emptyCart(currency);

  describe('PATCH /api/cart/items/:itemId', () => {
    it('sets the quantity and prices the line again: the volume break applies, then un-applies', async () => {
      const customer = newCustomer(t);
      const variant = await variantWithSeedRules(t, 30);
      const added = await addItem(t, customer, variant.id, 5).expect(201);
      await sleep(5);

      const up = await updateItem(t, customer, added.body.id, 12);

      expect(up.status).toBe(200);
      expect(up.body).toEqual({
        ...expectedLine(variant, 12, '495.00', '5940.00', [volumeRule(variant.rules)]),
        id: added.body.id,
      });
      expect(Date.parse(up.body.pricedAt)).toBeGreaterThan(Date.parse(added.body.pricedAt));
      expect(await cartOf(t, customer)).toMatchObject({ items: [up.body], subtotal: '5940.00', savings: '660.00' });
      await sleep(5);

      const down = await updateItem(t, customer, added.body.id, 3);

      expect(down.status).toBe(200);
      expect(down.body).toEqual({ ...expectedLine(variant, 3, '550.00', '1650.00'), id: added.body.id });
      expect(Date.parse(down.body.pricedAt)).toBeGreaterThan(Date.parse(up.body.pricedAt));
      expect(await cartOf(t, customer)).toMatchObject({ items: [down.body], subtotal: '1650.00', savings: '0.00' });
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
    });

    it('prices the line again for the tier of the token', async () => {
      const gold = newCustomer(t, 'GOLD');
      const variant = await variantWithSeedRules(t, 30);
      const added = await addItem(t, gold, variant.id, 1).expect(201);

      const response = await updateItem(t, gold, added.body.id, 10).expect(200);

      expect(response.body).toMatchObject({ quantity: 10, unitPrice: '420.75', lineTotal: '4207.50' });
    });

    it('accepts the item id in upper case', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const added = await addItem(t, customer, variant.id, 1).expect(201);

      const response = await updateItem(t, customer, added.body.id.toUpperCase(), 2);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: added.body.id, quantity: 2, lineTotal: '1100.00' });
    });

    it('answers 409 INSUFFICIENT_STOCK above what is available, leaving the line as it was', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const added = await addItem(t, customer, variant.id, 2).expect(201);
      const before = await cartOf(t, customer);

      const response = await updateItem(t, customer, added.body.id, 6);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 6, available: 5 }]);
      expect(await cartOf(t, customer)).toEqual(before);
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
    });

    it.each([
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['the string "2"', '2'],
      [`${MAX_LINE_QUANTITY + 1}`, MAX_LINE_QUANTITY + 1],
      ['missing', undefined],
    ])('rejects quantity %s with a field error, leaving the line as it was', async (_label, quantity) => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const added = await addItem(t, customer, variant.id, 2).expect(201);
      const before = await cartOf(t, customer);

      const response = await t.http
        .patch(`/api/cart/items/${added.body.id}`)
        .set('authorization', customer.auth)
        .send(quantity === undefined ? {} : { quantity });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'quantity');
      expect(await cartOf(t, customer)).toEqual(before);
    });

    it.each([
      ['unitPrice', { unitPrice: '1.00' }],
      ['tier', { tier: 'GOLD' }],
      ['variantId', { variantId: 1 }],
    ])('rejects %s in the body, leaving the line as it was', async (field, extra) => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const added = await addItem(t, customer, variant.id, 2).expect(201);
      const before = await cartOf(t, customer);

      const response = await t.http
        .patch(`/api/cart/items/${added.body.id}`)
        .set('authorization', customer.auth)
        .send({ quantity: 3, ...extra });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      expect(await cartOf(t, customer)).toEqual(before);
    });

    it('answers 400 for an item id that is not a UUID', async () => {
      const response = await updateItem(t, newCustomer(t), 'not-a-uuid', 1);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'itemId');
    });

    it('answers 404 NOT_FOUND for an unknown item id', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      await addItem(t, customer, variant.id, 1).expect(201);

      const response = await updateItem(t, customer, UNKNOWN_UUID, 1);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 for a line of a cart that was checked out', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const added = await addItem(t, customer, variant.id, 1).expect(201);
      await checkout(t, customer).expect(201);

      const patched = await updateItem(t, customer, added.body.id, 2);
      const removed = await removeItem(t, customer, added.body.id);

      expectProblem(patched, 404, 'NOT_FOUND');
      expectProblem(removed, 404, 'NOT_FOUND');
      expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
    });
  });

  describe('DELETE /api/cart/items/:itemId', () => {
    it('answers 204 with no body and removes only that line; a second delete is 404', async () => {
      const customer = newCustomer(t);
      const first = await pricedVariant(t, 5);
      const second = await pricedVariant(t, 5);
      const removed = await addItem(t, customer, first.id, 1).expect(201);
      const kept = await addItem(t, customer, second.id, 2).expect(201);

      const response = await removeItem(t, customer, removed.body.id);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      const cart = await cartOf(t, customer);
      expect(cart).toMatchObject({ items: [kept.body], subtotal: '1100.00', savings: '0.00' });
      const again = await removeItem(t, customer, removed.body.id);
      expectProblem(again, 404, 'NOT_FOUND');
      expect(await cartOf(t, customer)).toEqual(cart);
    });

    it('answers 400 for an item id that is not a UUID', async () => {
      const response = await removeItem(t, newCustomer(t), '123');

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'itemId');
    });

    it('answers 404 for an unknown item id when the customer has no cart', async () => {
      const response = await removeItem(t, newCustomer(t), UNKNOWN_UUID);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('adds the variant as a new line after its line was removed', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 5);
      const first = await addItem(t, customer, variant.id, 3).expect(201);
      await removeItem(t, customer, first.body.id).expect(204);

      const again = await addItem(t, customer, variant.id, 1).expect(201);

      expect(again.body.id).not.toBe(first.body.id);
      expect(again.body.quantity).toBe(1);
    });
  });
});
