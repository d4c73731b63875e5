import { ConfigService } from '@nestjs/config';
import { MAX_CART_LINES } from '../../src/cart/cart.entity';
import { MAX_LINE_QUANTITY } from '../../src/cart/cart-item.entity';
import {
  addItem,
  checkout,
  Customer,
  fillCart,
  getCart,
  newCustomer,
  removeItem,
  reservationsOf,
  updateItem,
} from '../support/cart.factory';
import { createCategory, createVariant } from '../support/catalog.factory';
import { deleteVariant, setStock, stockOf } from '../support/inventory.factory';
import { createRule, createSeedRules, quote, ruleBody } from '../support/pricing.factory';
import { expectFieldError, expectProblem, PROBLEM_JSON } from '../support/problem';
import { startTestApp, TestApp, unique } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const UNKNOWN_VARIANT = 2_147_483_647;

/** A variant of its own product (base 500.00 + 50.00 = 550.00) in a category of its own. */
interface PricedVariant {
  id: number;
  sku: string;
  productId: number;
  productName: string;
  categoryId: number;
}

interface SeedRules {
  volume: { id: number; name: string };
  gold: { id: number; name: string };
}

describe('cart', () => {
  let t: TestApp;
  let currency: string;

  beforeAll(async () => {
    // A queue of its own and a far sweep: only the tests move these reservations.
    t = await startTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:cart`,
      RESERVATION_SWEEP_SECONDS: '3600',
    });
    currency = String(t.app.get(ConfigService).get('CURRENCY'));
  });

  afterAll(async () => {
    await t.close();
  });

  /** A product named by the test in a category of its own. */
  const createNamedProduct = async (categoryId?: number) => {
    const category = categoryId ?? (await createCategory(t));
    const productName = unique('Cart product');
    const response = await t.http
      .post('/api/products')
      .set('authorization', t.admin)
      .send({ name: productName, categoryId: category, basePrice: '500.00' })
      .expect(201);
    return { productId: response.body.id as number, productName, categoryId: category };
  };

  /** A 550.00 variant with `onHand` units, its product named and in a category of its own. */
  const pricedVariant = async (onHand: number): Promise<PricedVariant> => {
    const product = await createNamedProduct();
    const variant = await createVariant(t, { productId: product.productId });
    await setStock(t, variant.id, onHand);
    return { ...variant, ...product };
  };

  /** A 550.00 variant with the seed's "10+ units: 10 % off" and "Gold: 15 % off" rules in its category. */
  const variantWithSeedRules = async (onHand: number): Promise<PricedVariant & { rules: SeedRules }> => {
    const variant = await pricedVariant(onHand);
    const rules = (await createSeedRules(t, { type: 'CATEGORY', id: variant.categoryId })) as unknown as SeedRules;
    return { ...variant, rules };
  };

  const volumeRule = (rules: SeedRules) => ({
    ruleId: rules.volume.id,
    name: '10+ units',
    kind: 'QUANTITY',
    before: '550.00',
    after: '495.00',
  });

  /** The expected line of a cart (id, pricedAt and money given by the test). */
  const expectedLine = (
    variant: PricedVariant,
    quantity: number,
    unitPrice: string,
    lineTotal: string,
    appliedRules: unknown[] = [],
  ) => ({
    id: expect.stringMatching(UUID),
    variantId: variant.id,
    sku: variant.sku,
    productName: variant.productName,
    quantity,
    unitPrice,
    lineTotal,
    appliedRules,
    pricedAt: expect.any(String),
  });

  const cartOf = async (customer: Customer) => (await getCart(t, customer).expect(200)).body;

  const EMPTY_CART = () => ({ id: null, status: 'ACTIVE', items: [], subtotal: '0.00', savings: '0.00', currency });

  /** The reserved count of a variant's stock row, read beside the API (which hides deleted variants). */
  const reservedInDatabase = async (variantId: number): Promise<number> => {
    const rows: { reserved: number }[] = await t.dataSource.query(
      'SELECT reserved FROM stock_levels WHERE variant_id = $1',
      [variantId],
    );
    return Number(rows[0]?.reserved);
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
      const discounted = await variantWithSeedRules(20);
      const plain = await pricedVariant(20);
      await fillCart(t, customer, [
        { variantId: discounted.id, quantity: 10 },
        { variantId: plain.id, quantity: 2 },
      ]);

      const cart = await cartOf(customer);

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
      const variant = await pricedVariant(5);
      await addItem(t, owner, variant.id, 1).expect(201);

      const stranger = await cartOf(newCustomer(t));

      expect(stranger).toEqual(EMPTY_CART());
      expect((await cartOf(owner)).items).toHaveLength(1);
    });
  });

  describe('POST /api/cart/items', () => {
    it('answers 201 with the new line, priced for the quantity, and reserves nothing', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(8);
      const before = Date.now();

      const response = await addItem(t, customer, variant.id, 5);

      expect(response.status).toBe(201);
      expect(response.body).toEqual(expectedLine(variant, 5, '550.00', '2750.00'));
      const pricedAt = Date.parse(response.body.pricedAt);
      expect(new Date(pricedAt).toISOString()).toBe(response.body.pricedAt);
      expect(pricedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(pricedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 8, reserved: 0, available: 8 });
      const cart = await cartOf(customer);
      expect(cart.id).toMatch(UUID);
      expect(cart.items).toEqual([response.body]);
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('adds to the existing line and prices it again: the volume break applies at 10 units', async () => {
      const customer = newCustomer(t);
      const variant = await variantWithSeedRules(30);
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
      const cart = await cartOf(customer);
      expect(cart.items).toEqual([second.body]);
      expect(cart).toMatchObject({ subtotal: '4950.00', savings: '550.00' });
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
    });

    it('prices the same line like the public quote for the same quantity and tier', async () => {
      const customer = newCustomer(t);
      const variant = await variantWithSeedRules(30);

      const line = await addItem(t, customer, variant.id, 12).expect(201);
      const quoted = await quote(t, variant.id, { quantity: 12, tier: 'STANDARD' }).expect(200);

      expect(line.body.unitPrice).toBe(quoted.body.unitPrice);
      expect(line.body.lineTotal).toBe(quoted.body.totalPrice);
      expect(line.body.appliedRules).toEqual(quoted.body.appliedRules);
    });

    describe('the tier comes from the token', () => {
      it('gives a GOLD token the GOLD price, stacked after the volume break (550.00 -> 495.00 -> 420.75)', async () => {
        const gold = newCustomer(t, 'GOLD');
        const variant = await variantWithSeedRules(30);

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
        expect(await cartOf(gold)).toMatchObject({ subtotal: '4207.50', savings: '1292.50' });
      });

      it('gives a GOLD token the tier discount alone below the volume break (550.00 -> 467.50)', async () => {
        const gold = newCustomer(t, 'GOLD');
        const variant = await variantWithSeedRules(30);

        const response = await addItem(t, gold, variant.id, 1).expect(201);

        expect(response.body).toEqual(
          expectedLine(variant, 1, '467.50', '467.50', [
            { ruleId: variant.rules.gold.id, name: 'Gold', kind: 'CUSTOMER_TIER', before: '550.00', after: '467.50' },
          ]),
        );
      });

      it('never gives a STANDARD token the GOLD price', async () => {
        const standard = newCustomer(t, 'STANDARD');
        const variant = await variantWithSeedRules(30);

        const response = await addItem(t, standard, variant.id, 10).expect(201);

        expect(response.body.unitPrice).toBe('495.00');
        expect(response.body.appliedRules.map((rule: { kind: string }) => rule.kind)).toEqual(['QUANTITY']);
      });

      it('prices each change with the tier of the token that made it (one cart per customer id)', async () => {
        const variant = await variantWithSeedRules(30);
        const sub = unique('customer');
        const asGold: Customer = { sub, auth: t.customer(sub, 'GOLD') };
        const asStandard: Customer = { sub, auth: t.customer(sub, 'STANDARD') };

        const goldLine = await addItem(t, asGold, variant.id, 1).expect(201);
        const standardLine = await addItem(t, asStandard, variant.id, 1).expect(201);

        // One cart (the sub), re-quoted at the tier of the token that changed it.
        expect(goldLine.body.unitPrice).toBe('467.50');
        expect(standardLine.body).toMatchObject({ id: goldLine.body.id, quantity: 2, unitPrice: '550.00' });
      });

      it('never charges a GOLD snapshot to a STANDARD token: checkout prices such lines again for the token', async () => {
        const variant = await variantWithSeedRules(30);
        const other = await variantWithSeedRules(30);
        const sub = unique('customer');
        const asGold: Customer = { sub, auth: t.customer(sub, 'GOLD') };
        const asStandard: Customer = { sub, auth: t.customer(sub, 'STANDARD') };
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
        const variant = await variantWithSeedRules(30);
        await addItem(t, customer, variant.id, 1).expect(201);
        const before = await cartOf(customer);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ variantId: variant.id, quantity: 10, ...extra });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, field);
        expect(await cartOf(customer)).toEqual(before);
      });

      it('writes nothing, not even an empty cart, when the first add is refused', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(5);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ variantId: variant.id, quantity: 1, tier: 'PLATINUM' });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(await cartOf(customer)).toEqual(EMPTY_CART());
        const carts: unknown[] = await t.dataSource.query('SELECT id FROM carts WHERE customer_id = $1', [
          customer.sub,
        ]);
        expect(carts).toEqual([]);
      });
    });

    describe('stock', () => {
      it('answers 409 INSUFFICIENT_STOCK with the line total requested when an add exceeds what is available', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(5);
        await addItem(t, customer, variant.id, 3).expect(201);
        const before = await cartOf(customer);

        const response = await addItem(t, customer, variant.id, 3);

        expectProblem(response, 409, 'INSUFFICIENT_STOCK');
        expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 6, available: 5 }]);
        expect(await cartOf(customer)).toEqual(before);
        expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 5, reserved: 0, available: 5 });
      });

      it('accepts exactly what is available', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(5);
        await addItem(t, customer, variant.id, 3).expect(201);

        const response = await addItem(t, customer, variant.id, 2);

        expect(response.status).toBe(201);
        expect(response.body.quantity).toBe(5);
      });

      it('refuses a first add of a variant that was never stocked, opening no cart', async () => {
        const customer = newCustomer(t);
        const variant = await createVariant(t);

        const response = await addItem(t, customer, variant.id, 1);

        expectProblem(response, 409, 'INSUFFICIENT_STOCK');
        expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 1, available: 0 }]);
        expect(await cartOf(customer)).toEqual(EMPTY_CART());
      });

      it('counts units reserved by another checkout as unavailable', async () => {
        const buyer = newCustomer(t);
        const other = newCustomer(t);
        const variant = await pricedVariant(5);
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
        const variant = await pricedVariant(5);

        const response = await t.http
          .post('/api/cart/items')
          .set('authorization', customer.auth)
          .send({ variantId: variant.id, ...(quantity === undefined ? {} : { quantity }) });

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'quantity');
        expect(await cartOf(customer)).toEqual(EMPTY_CART());
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
        expect(await cartOf(customer)).toEqual(EMPTY_CART());
      });

      it(`rejects an add that would take the line above ${MAX_LINE_QUANTITY} units, leaving the line as it was`, async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(20_000);
        const line = await addItem(t, customer, variant.id, 6000).expect(201);

        const response = await addItem(t, customer, variant.id, 4001);

        expectProblem(response, 400, 'VALIDATION_FAILED');
        expectFieldError(response, 'quantity');
        expect((await cartOf(customer)).items).toEqual([line.body]);
        const full = await addItem(t, customer, variant.id, 4000);
        expect(full.status).toBe(201);
        expect(full.body.quantity).toBe(MAX_LINE_QUANTITY);
      });

      it('answers 404 NOT_FOUND for an unknown variant and opens no cart', async () => {
        const customer = newCustomer(t);

        const response = await addItem(t, customer, UNKNOWN_VARIANT, 1);

        expectProblem(response, 404, 'NOT_FOUND');
        expect(await cartOf(customer)).toEqual(EMPTY_CART());
      });

      it('answers 404 NOT_FOUND for a deleted variant, even with stock on hand', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(5);
        await deleteVariant(t, variant.id);

        const response = await addItem(t, customer, variant.id, 1);

        expectProblem(response, 404, 'NOT_FOUND');
        expect(await cartOf(customer)).toEqual(EMPTY_CART());
      });

      it('refuses more of a variant deleted after it was added (404), leaving its line', async () => {
        const customer = newCustomer(t);
        const variant = await pricedVariant(5);
        const line = await addItem(t, customer, variant.id, 1).expect(201);
        await deleteVariant(t, variant.id);

        const response = await addItem(t, customer, variant.id, 1);

        expectProblem(response, 404, 'NOT_FOUND');
        expect((await cartOf(customer)).items).toEqual([line.body]);
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
      const { productId } = await createNamedProduct();
      const variants: { id: number }[] = [];
      for (let batch = 0; variants.length < MAX_CART_LINES + 1; batch += 1) {
        const size = Math.min(10, MAX_CART_LINES + 1 - variants.length);
        const created = await Promise.all(
          Array.from({ length: size }, async () => {
            const variant = await createVariant(t, { productId });
            await setStock(t, variant.id, 5);
            return variant;
          }),
        );
        variants.push(...created);
      }
      const [extra, ...inCart] = variants;
      await fillCart(
        t,
        customer,
        inCart.map((variant) => ({ variantId: variant.id, quantity: 1 })),
      );
      const before = await cartOf(customer);
      expect(before.items).toHaveLength(MAX_CART_LINES);

      const response = await addItem(t, customer, extra.id, 1);

      expectProblem(response, 409, 'CONFLICT');
      expect(response.body.detail).toContain(String(MAX_CART_LINES));
      expect(await cartOf(customer)).toEqual(before);
      const more = await addItem(t, customer, inCart[0].id, 1);
      expect(more.status).toBe(201);
      expect(more.body).toMatchObject({ id: before.items[0].id, quantity: 2 });
    }, 60_000);
  });

  describe('PATCH /api/cart/items/:itemId', () => {
    it('sets the quantity and prices the line again: the volume break applies, then un-applies', async () => {
      const customer = newCustomer(t);
      const variant = await variantWithSeedRules(30);
      const added = await addItem(t, customer, variant.id, 5).expect(201);
      await sleep(5);

      const up = await updateItem(t, customer, added.body.id, 12);

      expect(up.status).toBe(200);
      expect(up.body).toEqual({
        ...expectedLine(variant, 12, '495.00', '5940.00', [volumeRule(variant.rules)]),
        id: added.body.id,
      });
      expect(Date.parse(up.body.pricedAt)).toBeGreaterThan(Date.parse(added.body.pricedAt));
      expect(await cartOf(customer)).toMatchObject({ items: [up.body], subtotal: '5940.00', savings: '660.00' });
      await sleep(5);

      const down = await updateItem(t, customer, added.body.id, 3);

      expect(down.status).toBe(200);
      expect(down.body).toEqual({ ...expectedLine(variant, 3, '550.00', '1650.00'), id: added.body.id });
      expect(Date.parse(down.body.pricedAt)).toBeGreaterThan(Date.parse(up.body.pricedAt));
      expect(await cartOf(customer)).toMatchObject({ items: [down.body], subtotal: '1650.00', savings: '0.00' });
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
    });

    it('prices the line again for the tier of the token', async () => {
      const gold = newCustomer(t, 'GOLD');
      const variant = await variantWithSeedRules(30);
      const added = await addItem(t, gold, variant.id, 1).expect(201);

      const response = await updateItem(t, gold, added.body.id, 10).expect(200);

      expect(response.body).toMatchObject({ quantity: 10, unitPrice: '420.75', lineTotal: '4207.50' });
    });

    it('accepts the item id in upper case', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
      const added = await addItem(t, customer, variant.id, 1).expect(201);

      const response = await updateItem(t, customer, added.body.id.toUpperCase(), 2);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: added.body.id, quantity: 2, lineTotal: '1100.00' });
    });

    it('answers 409 INSUFFICIENT_STOCK above what is available, leaving the line as it was', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
      const added = await addItem(t, customer, variant.id, 2).expect(201);
      const before = await cartOf(customer);

      const response = await updateItem(t, customer, added.body.id, 6);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 6, available: 5 }]);
      expect(await cartOf(customer)).toEqual(before);
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
      const variant = await pricedVariant(5);
      const added = await addItem(t, customer, variant.id, 2).expect(201);
      const before = await cartOf(customer);

      const response = await t.http
        .patch(`/api/cart/items/${added.body.id}`)
        .set('authorization', customer.auth)
        .send(quantity === undefined ? {} : { quantity });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'quantity');
      expect(await cartOf(customer)).toEqual(before);
    });

    it.each([
      ['unitPrice', { unitPrice: '1.00' }],
      ['tier', { tier: 'GOLD' }],
      ['variantId', { variantId: 1 }],
    ])('rejects %s in the body, leaving the line as it was', async (field, extra) => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
      const added = await addItem(t, customer, variant.id, 2).expect(201);
      const before = await cartOf(customer);

      const response = await t.http
        .patch(`/api/cart/items/${added.body.id}`)
        .set('authorization', customer.auth)
        .send({ quantity: 3, ...extra });

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      expect(await cartOf(customer)).toEqual(before);
    });

    it('answers 400 for an item id that is not a UUID', async () => {
      const response = await updateItem(t, newCustomer(t), 'not-a-uuid', 1);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, 'itemId');
    });

    it('answers 404 NOT_FOUND for an unknown item id', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
      await addItem(t, customer, variant.id, 1).expect(201);

      const response = await updateItem(t, customer, UNKNOWN_UUID, 1);

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('answers 404 for a line of a cart that was checked out', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
      const added = await addItem(t, customer, variant.id, 1).expect(201);
      await checkout(t, customer).expect(201);

      const patched = await updateItem(t, customer, added.body.id, 2);
      const removed = await removeItem(t, customer, added.body.id);

      expectProblem(patched, 404, 'NOT_FOUND');
      expectProblem(removed, 404, 'NOT_FOUND');
      expect(await cartOf(customer)).toEqual(EMPTY_CART());
    });
  });

  describe('DELETE /api/cart/items/:itemId', () => {
    it('answers 204 with no body and removes only that line; a second delete is 404', async () => {
      const customer = newCustomer(t);
      const first = await pricedVariant(5);
      const second = await pricedVariant(5);
      const removed = await addItem(t, customer, first.id, 1).expect(201);
      const kept = await addItem(t, customer, second.id, 2).expect(201);

      const response = await removeItem(t, customer, removed.body.id);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      const cart = await cartOf(customer);
      expect(cart).toMatchObject({ items: [kept.body], subtotal: '1100.00', savings: '0.00' });
      const again = await removeItem(t, customer, removed.body.id);
      expectProblem(again, 404, 'NOT_FOUND');
      expect(await cartOf(customer)).toEqual(cart);
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
      const variant = await pricedVariant(5);
      const first = await addItem(t, customer, variant.id, 3).expect(201);
      await removeItem(t, customer, first.body.id).expect(204);

      const again = await addItem(t, customer, variant.id, 1).expect(201);

      expect(again.body.id).not.toBe(first.body.id);
      expect(again.body.quantity).toBe(1);
    });
  });

  describe("another customer's resources", () => {
    it("answers 404 to PATCH and DELETE of another customer's item, exactly as for an unknown one", async () => {
      const owner = newCustomer(t);
      const stranger = newCustomer(t);
      const variant = await pricedVariant(10);
      const line = await addItem(t, owner, variant.id, 2).expect(201);
      const ownerCart = await cartOf(owner);
      // The stranger has a cart of their own too.
      await addItem(t, stranger, variant.id, 1).expect(201);

      const patched = await updateItem(t, stranger, line.body.id, 5);
      const removed = await removeItem(t, stranger, line.body.id);
      const unknown = await updateItem(t, stranger, UNKNOWN_UUID, 5);

      expectProblem(patched, 404, 'NOT_FOUND');
      expectProblem(removed, 404, 'NOT_FOUND');
      expectProblem(unknown, 404, 'NOT_FOUND');
      expect(patched.body.detail.replace(line.body.id, '<id>')).toBe(unknown.body.detail.replace(UNKNOWN_UUID, '<id>'));
      expect(await cartOf(owner)).toEqual(ownerCart);
      expect((await cartOf(stranger)).items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 1 })]);
    });

    it("answers 404 to PATCH and DELETE of another customer's item when the caller has no cart", async () => {
      const owner = newCustomer(t);
      const stranger = newCustomer(t);
      const variant = await pricedVariant(10);
      const line = await addItem(t, owner, variant.id, 2).expect(201);
      const ownerCart = await cartOf(owner);

      expectProblem(await updateItem(t, stranger, line.body.id, 5), 404, 'NOT_FOUND');
      expectProblem(await removeItem(t, stranger, line.body.id), 404, 'NOT_FOUND');

      expect(await cartOf(owner)).toEqual(ownerCart);
      expect(await cartOf(stranger)).toEqual(EMPTY_CART());
    });

    it("answers 404 to GET and cancel of another customer's reservation, which stays ACTIVE", async () => {
      const owner = newCustomer(t);
      const stranger = newCustomer(t);
      const variant = await pricedVariant(10);
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

  describe('POST /api/cart/checkout', () => {
    it('answers 409 CART_EMPTY for a customer who never had a cart, and opens none', async () => {
      const customer = newCustomer(t);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'CART_EMPTY');
      expect(await cartOf(customer)).toEqual(EMPTY_CART());
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('answers 409 CART_EMPTY once every line was removed, and the cart stays ACTIVE', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
      const line = await addItem(t, customer, variant.id, 1).expect(201);
      await removeItem(t, customer, line.body.id).expect(204);
      const before = await cartOf(customer);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'CART_EMPTY');
      expect(before).toEqual({ ...EMPTY_CART(), id: expect.stringMatching(UUID) });
      expect(await cartOf(customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
    });

    it('answers 201 with an ACTIVE reservation at the snapshot prices, reserves the stock and closes the cart', async () => {
      const gold = newCustomer(t, 'GOLD');
      const discounted = await variantWithSeedRules(20);
      const plain = await pricedVariant(4);
      await fillCart(t, gold, [
        { variantId: discounted.id, quantity: 10 },
        { variantId: plain.id, quantity: 3 },
      ]);
      const cart = await cartOf(gold);

      const response = await checkout(t, gold);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        status: 'ACTIVE',
        expiresAt: expect.any(String),
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
      expect(await cartOf(gold)).toEqual(EMPTY_CART());
      const next = await addItem(t, gold, plain.id, 1).expect(201);
      const nextCart = await cartOf(gold);
      expect(nextCart.id).toMatch(UUID);
      expect(nextCart.id).not.toBe(cart.id);
      expect(nextCart.items).toEqual([next.body]);
    });

    it('charges the snapshot even when a pricing rule changes after the add', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
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
      expect((await cartOf(customer)).items).toEqual([line.body]);

      const response = await checkout(t, customer);

      expect(response.status).toBe(201);
      expect(response.body.items).toEqual([
        { variantId: variant.id, sku: variant.sku, quantity: 2, unitPrice: '550.00', lineTotal: '1100.00' },
      ]);
      expect(response.body.total).toBe('1100.00');
    });

    it('keeps the SKU of the snapshot when the variant is renamed after the add', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(5);
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
      const first = await pricedVariant(10);
      const second = await pricedVariant(10);
      const third = await pricedVariant(10);
      await fillCart(t, customer, [
        { variantId: first.id, quantity: 5 },
        { variantId: second.id, quantity: 6 },
        { variantId: third.id, quantity: 2 },
      ]);
      await setStock(t, first.id, 3);
      await setStock(t, third.id, 1);
      const before = await cartOf(customer);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      const byVariant = (a: { variantId: number }, b: { variantId: number }) => a.variantId - b.variantId;
      expect([...response.body.lines].sort(byVariant)).toEqual(
        [
          { variantId: first.id, requested: 5, available: 3 },
          { variantId: third.id, requested: 2, available: 1 },
        ].sort(byVariant),
      );
      expect(await cartOf(customer)).toEqual(before);
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
      const kept = await pricedVariant(10);
      const deleted = await pricedVariant(10);
      await fillCart(t, customer, [
        { variantId: kept.id, quantity: 2 },
        { variantId: deleted.id, quantity: 3 },
      ]);
      await deleteVariant(t, deleted.id);
      const before = await cartOf(customer);

      const response = await checkout(t, customer);

      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual([{ variantId: deleted.id, requested: 3, available: 0 }]);
      expect(await cartOf(customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect((await stockOf(t, kept.id)).reserved).toBe(0);
      // The deleted variant's stock is no longer readable through the API; its row stays.
      expect(await reservedInDatabase(deleted.id)).toBe(0);

      // Removing the line the customer can no longer buy lets the rest check out.
      const deletedLine = before.items.find((item: { variantId: number }) => item.variantId === deleted.id);
      await removeItem(t, customer, deletedLine.id).expect(204);
      const retried = await checkout(t, customer);
      expect(retried.status).toBe(201);
      expect(retried.body.items).toEqual([expect.objectContaining({ variantId: kept.id, quantity: 2 })]);
    });

    it('lists deleted and short lines in one answer, so one fix of the cart is enough', async () => {
      const customer = newCustomer(t);
      const short = await pricedVariant(10);
      const deleted = await pricedVariant(10);
      const fine = await pricedVariant(10);
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
      const variant = await pricedVariant(10);
      await addItem(t, customer, variant.id, 4).expect(201);
      await t.http.delete(`/api/products/${variant.productId}`).set('authorization', t.admin).expect(204);
      const before = await cartOf(customer);

      const more = await addItem(t, customer, variant.id, 1);
      const response = await checkout(t, customer);

      expectProblem(more, 404, 'NOT_FOUND');
      expectProblem(response, 409, 'INSUFFICIENT_STOCK');
      expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 4, available: 0 }]);
      expect(await cartOf(customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect(await reservedInDatabase(variant.id)).toBe(0);
    });

    it('refuses a body (checkout takes none) with 400, reserving nothing; an empty object is accepted', async () => {
      const customer = newCustomer(t, 'STANDARD');
      const variant = await pricedVariant(10);
      await addItem(t, customer, variant.id, 2).expect(201);

      const withTier = await checkout(t, customer).send({ tier: 'GOLD' });
      const withArray = await checkout(t, customer).send([1]);

      expectFieldError(withTier, 'tier');
      expectProblem(withArray, 400, 'VALIDATION_FAILED');
      expect((await stockOf(t, variant.id)).reserved).toBe(0);
      expect((await cartOf(customer)).items).toHaveLength(1);
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
      const variant = await pricedVariant(10);
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
      const variant = await pricedVariant(10);
      await addItem(t, customer, variant.id, 1).expect(201);
      const first = await checkout(t, customer).expect(201);
      await t.http.post(`/api/reservations/${first.body.id}/confirm`).set('authorization', t.admin).expect(200);

      expectProblem(await checkout(t, customer), 409, 'CART_EMPTY');
      expect(await reservationsOf(t, customer)).toHaveLength(1);
    });
  });
});
