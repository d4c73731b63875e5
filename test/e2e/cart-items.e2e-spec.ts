import { ConfigService } from '@nestjs/config';
import { MAX_CART_LINES } from '../../src/cart/cart.entity';
import { MAX_LINE_QUANTITY } from '../../src/cart/cart-item.entity';
import {
  addItem,
  cartOf,
  checkout,
  emptyCart,
  expectedLine,
  fillCart,
  newNamedProduct,
  pricedVariant,
  variantWithSeedRules,
  volumeRule,
} from '../support/cart.factory';
import { newVariant } from '../support/catalog.factory';
import { newCustomer } from '../support/customer.factory';
import { UNKNOWN_INT_ID, UUID } from '../support/ids';
import { deleteVariant, newStockedVariant, stockOf } from '../support/inventory.factory';
import { quote } from '../support/pricing.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { cartRowsOf, reservationsOf } from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';
import { sleep } from '../support/wait';

describe('cart', () => {
  let t: TestApp;
  let currency: string;

  beforeAll(async () => {
    t = await startQuietTestApp('cart-items');
    currency = String(t.app.get(ConfigService).get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  const EMPTY_CART = () => emptyCart(currency);

  describe('POST /api/cart/items', () => {
    it('answers 201 with the new line, priced for the quantity, and reserves nothing', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 8);
      const before = Date.now();

      const response = await addItem(t, customer, variant.id, 5);

      expect(response.status).toBe(201);
      expect(response.body).toEqual(expectedLine(variant, 5, '550.00', '2750.00'));
      const pricedAt = Date.parse(response.body.pricedAt);
      expect(new Date(pricedAt).toISOString()).toBe(response.body.pricedAt);
      expect(pricedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(pricedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 8, reserved: 0, available: 8 });
      const cart = await cartOf(t, customer);
      expect(cart.id).toMatch(UUID);
      expect(cart.items).toEqual([response.body]);
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('adds to the existing line and prices it again: the volume break applies at 10 units', async () => {
      const customer = newCustomer(t);
      const variant = await variantWithSeedRules(t, 30);
      const first = await addItem(t, customer, variant.id, 5).expect(201);
      expect(first.body).toEqual(expectedLine(variant, 5, '550.00', '2750.00'));
      await sleep(5);

      const second = await addItem(t, customer, variant.id, 5);

      expect(second.status).toBe(201);
      expect(second.body).toEqual({
        ...expectedLine(variant, 10, '495.00', '4950.00', [volumeRule(variant.rules)]),
        id: first.body.id,
      });
      expect(Date.parse(second.body.pricedAt)).toBeGreaterThan(Date.parse(first.body.pricedAt));
      const cart = await cartOf(t, customer);
      expect(cart.items).toEqual([second.body]);
      expect(cart).toMatchObject({ subtotal: '4950.00', savings: '550.00' });
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
    });

    it('prices the same line like the public quote for the same quantity and tier', async () => {
      const customer = newCustomer(t);
      const variant = await variantWithSeedRules(t, 30);

      const line = await addItem(t, customer, variant.id, 12).expect(201);
      const quoted = await quote(t, variant.id, { quantity: 12, tier: 'STANDARD' }).expect(200);

      expect(line.body.unitPrice).toBe(quoted.body.unitPrice);
      expect(line.body.lineTotal).toBe(quoted.body.totalPrice);
      expect(line.body.appliedRules).toEqual(quoted.body.appliedRules);
    });

    describe('the tier comes from the token', () => {
      it('gives a GOLD token the GOLD price, stacked after the volume break (550.00 -> 495.00 -> 420.75)', async () => {
        const gold = newCustomer(t, 'GOLD');
        const variant = await variantWithSeedRules(t, 30);

        const response = await addItem(t, gold, variant.id, 10);

        expect(response.status).toBe(201);
        expect(response.body).toEqual(
          expectedLine(variant, 10, '420.75', '4207.50', [
            volumeRule(variant.rules),
            { ruleId: variant.rules.gold.id, name: 'Gold', kind: 'CUSTOMER_TIER', before: '495.00', after: '420.75' },
          ]),
        );
        const quoted = await quote(t, variant.id, { quantity: 10, tier: 'GOLD' }).expect(200);
        expect(quoted.body).toMatchObject({ unitPrice: '420.75', totalPrice: '4207.50' });
        expect(await cartOf(t, gold)).toMatchObject({ subtotal: '4207.50', savings: '1292.50' });
      });

      it('gives a GOLD token the tier discount alone below the volume break (550.00 -> 467.50)', async () => {
        const gold = newCustomer(t, 'GOLD');
        const variant = await variantWithSeedRules(t, 30);

        const response = await addItem(t, gold, variant.id, 1).expect(201);

        expect(response.body).toEqual(
          expectedLine(variant, 1, '467.50', '467.50', [
            { ruleId: variant.rules.gold.id, name: 'Gold', kind: 'CUSTOMER_TIER', before: '550.00', after: '467.50' },
          ]),
        );
      });

      it('never gives a STANDARD token the GOLD price', async () => {
        const standard = newCustomer(t, 'STANDARD');
        const variant = await variantWithSeedRules(t, 30);

        const response = await addItem(t, standard, variant.id, 10).expect(201);

        expect(response.body.unitPrice).toBe('495.00');
        expect(response.body.appliedRules.map((rule: { kind: string }) => rule.kind)).toEqual(['QUANTITY']);
      });

      it('prices each change with the tier of the token that made it (one cart per customer id)', async () => {
        const variant = await variantWithSeedRules(t, 30);
        const sub = unique('customer');
        const asGold = newCustomer(t, 'GOLD', sub);
        const asStandard = newCustomer(t, 'STANDARD', sub);

        const goldLine = await addItem(t, asGold, variant.id, 1).expect(201);
        const standardLine = await addItem(t, asStandard, variant.id, 1).expect(201);

        // One cart (the sub), re-quoted at the tier of the token that changed it.
        expect(goldLine.body.unitPrice).toBe('467.50');
        expect(standardLine.body).toMatchObject({ id: goldLine.body.id, quantity: 2, unitPrice: '550.00' });
      });

      it('never charges a GOLD snapshot to a STANDARD token: checkout prices such lines again for the token', async () => {
        const variant = await variantWithSeedRules(t, 30);
        const other = await variantWithSeedRules(t, 30);
        const sub = unique('customer');
        const asGold = newCustomer(t, 'GOLD', sub);
        const asStandard = newCustomer(t, 'STANDARD', sub);
        await addItem(t, asGold, variant.id, 10).expect(201);
        await addItem(t, asStandard, other.id, 1).expect(201);

        const reservation = await checkout(t, asStandard).expect(201);

        // 550.00 -> 495.00 with the volume break only; the GOLD 420.75 is not charged.
        // Items come in variant id order, and `variant` was created first.
        expect(reservation.body.items).toEqual([
          expect.objectContaining({ variantId: variant.id, quantity: 10, unitPrice: '495.00', lineTotal: '4950.00' }),
          expect.objectContaining({ variantId: other.id, quantity: 1, unitPrice: '550.00', lineTotal: '550.00' }),
        ]);
        expect(reservation.body.total).toBe('5500.00');
      });

      it.each([
        ['tier', { tier: 'GOLD' }],
        ['price', { price: '1.00' }],
        ['unitPrice', { unitPrice: '1.00' }],
        ['ownerId', { ownerId: 'someone-else' }],
        ['customerId', { customerId: 'someone-else' }],
      ])('rejects %s in the body with 400 and writes nothing', async (field, extra) => {
        const customer = newCustomer(t);
        const variant = await variantWithSeedRules(t, 30);
        await addItem(t, customer, variant.id, 1).expect(201);
        const before = await cartOf(t, customer);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ variantId: variant.id, quantity: 10, ...extra });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, field);
        expect(await cartOf(t, customer)).toEqual(before);
      });

      it('writes nothing, not even an empty cart, when the first add is refused', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 5);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ variantId: variant.id, quantity: 1, tier: 'PLATINUM' });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
        expect(await cartRowsOf(t, customer)).toEqual([]);
      });
    });

    describe('stock', () => {
      it('answers 409 INSUFFICIENT_STOCK with the line total requested when an add exceeds what is available', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 5);
        await addItem(t, customer, variant.id, 3).expect(201);
        const before = await cartOf(t, customer);

        const response = await addItem(t, customer, variant.id, 3);

        expectProblem(response, 409, 'INSUFFICIENT_STOCK');
        expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 6, available: 5 }]);
        expect(await cartOf(t, customer)).toEqual(before);
        expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 5, reserved: 0, available: 5 });
      });

      it('accepts exactly what is available', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 5);
        await addItem(t, customer, variant.id, 3).expect(201);

        const response = await addItem(t, customer, variant.id, 2);

        expect(response.status).toBe(201);
        expect(response.body.quantity).toBe(5);
      });

      it('refuses a first add of a variant that was never stocked, opening no cart', async () => {
        const customer = newCustomer(t);
        const variant = await newVariant(t);

        const response = await addItem(t, customer, variant.id, 1);

        expectProblem(response, 409, 'INSUFFICIENT_STOCK');
        expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 1, available: 0 }]);
        expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
      });

      it('counts units reserved by another checkout as unavailable', async () => {
        const buyer = newCustomer(t);
        const other = newCustomer(t);
        const variant = await pricedVariant(t, 5);
        await addItem(t, buyer, variant.id, 4).expect(201);
        await checkout(t, buyer).expect(201);

        const response = await addItem(t, other, variant.id, 2);

        expectProblem(response, 409, 'INSUFFICIENT_STOCK');
        expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 2, available: 1 }]);
      });
    });

    describe('bad input', () => {
      it.each([
        ['0', 0],
        ['-1', -1],
        ['1.5', 1.5],
        ['the string "2"', '2'],
        [`${MAX_LINE_QUANTITY + 1}`, MAX_LINE_QUANTITY + 1],
        ['null', null],
        ['missing', undefined],
      ])('rejects quantity %s with a field error and opens no cart', async (_label, quantity) => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 5);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ variantId: variant.id, ...(quantity === undefined ? {} : { quantity }) });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'quantity');
        expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
      });

      it.each([
        ['0', 0],
        ['a string', 'abc'],
        ['a fraction', 1.5],
        ['above the integer range', 2_147_483_648],
        ['missing', undefined],
      ])('rejects variantId %s with a field error', async (_label, variantId) => {
        const customer = newCustomer(t);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ quantity: 1, ...(variantId === undefined ? {} : { variantId }) });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'variantId');
        expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
      });

      it(`rejects an add that would take the line above ${MAX_LINE_QUANTITY} units, leaving the line as it was`, async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 20_000);
        const line = await addItem(t, customer, variant.id, 6000).expect(201);

        const response = await addItem(t, customer, variant.id, 4001);

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'quantity');
        expect((await cartOf(t, customer)).items).toEqual([line.body]);
        const full = await addItem(t, customer, variant.id, 4000);
        expect(full.status).toBe(201);
        expect(full.body.quantity).toBe(MAX_LINE_QUANTITY);
      });

      it('answers 404 NOT_FOUND for an unknown variant and opens no cart', async () => {
        const customer = newCustomer(t);

        const response = await addItem(t, customer, UNKNOWN_INT_ID, 1);

        expectProblem(response, 404, 'NOT_FOUND');
        expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
      });

      it('answers 404 NOT_FOUND for a deleted variant, even with stock on hand', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 5);
        await deleteVariant(t, variant.id);

        const response = await addItem(t, customer, variant.id, 1);

        expectProblem(response, 404, 'NOT_FOUND');
        expect(await cartOf(t, customer)).toEqual(EMPTY_CART());
      });

      it('refuses more of a variant deleted after it was added (404), leaving its line', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(t, 5);
        const line = await addItem(t, customer, variant.id, 1).expect(201);
        await deleteVariant(t, variant.id);

        const response = await addItem(t, customer, variant.id, 1);

        expectProblem(response, 404, 'NOT_FOUND');
        expect((await cartOf(t, customer)).items).toEqual([line.body]);
      });

      it('rejects a body that is not a JSON object', async () => {
        const customer = newCustomer(t);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send([{ variantId: 1, quantity: 1 }]);

        expectProblem(response, 400, 'VALIDATION_FAILED');
      });
    });

    it(`refuses a distinct variant beyond ${MAX_CART_LINES} lines with 409 CONFLICT, but still adds to an existing line`, async () => {
      const customer = newCustomer(t);
      const { productId } = await newNamedProduct(t);
      const variants: { id: number }[] = [];
      for (let batch = 0; variants.length < MAX_CART_LINES + 1; batch += 1) {
        const size = Math.min(10, MAX_CART_LINES + 1 - variants.length);
        const created = await Promise.all(
          Array.from({ length: size }, () => newStockedVariant(t, { productId, onHand: 5 })),
        );
        variants.push(...created);
      }
      const [extra, ...inCart] = variants;
      await fillCart(
        t,
        customer,
        inCart.map((variant) => ({ variantId: variant.id, quantity: 1 })),
      );
      const before = await cartOf(t, customer);
      expect(before.items).toHaveLength(MAX_CART_LINES);

      const response = await addItem(t, customer, extra.id, 1);

      expectProblem(response, 409, 'CONFLICT');
      expect(response.body.detail).toContain(String(MAX_CART_LINES));
      expect(await cartOf(t, customer)).toEqual(before);
      const more = await addItem(t, customer, inCart[0].id, 1);
      expect(more.status).toBe(201);
      expect(more.body).toMatchObject({ id: before.items[0].id, quantity: 2 });
    }, 60_000);
  });
});
