import { Response } from 'supertest';
import { addItem, cartOf, checkout, pricedVariant, updateItem } from '../support/cart.factory';
import { newVariant } from '../support/catalog.factory';
import { Customer, newCustomer } from '../support/customer.factory';
import { UNKNOWN_INT_ID } from '../support/ids';
import { line, newStockedVariant, reservationRequests, reserve, stockOf } from '../support/inventory.factory';
import { expectFieldError, expectProblem } from '../support/problem';
import { activeReservationsOf, cartStatusesOf, reservationsOf } from '../support/rows';
import { startQuietTestApp, TestApp } from '../support/test-app';
import { sleep } from '../support/wait';

const NO_LIMITS = { maxPerOrder: null, maxPerCustomer: null, windowSeconds: null, lowStockThreshold: null };

describe('purchase limits and the cap on active holds', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('purchase-limits', { DATABASE_POOL_SIZE: '20' });
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    const audit = await t.http.get('/api/inventory/audit').set('authorization', t.admin).expect(200);
    expect(audit.body).toEqual({ consistent: true, drift: [], stuck: [] });
  });

  const { confirm, cancel } = reservationRequests(() => t);

  function putLimits(variantId: number | string, body: unknown, authorization = t.admin) {
    return t.http
      .put(`/api/inventory/${variantId}/limits`)
      .set('authorization', authorization)
      .send(body as object);
  }

  async function limitsOf(variantId: number) {
    return (await t.http.get(`/api/inventory/${variantId}`).expect(200)).body.limits;
  }

  /** The one refused line of a PURCHASE_LIMIT_EXCEEDED answer. */
  function expectLimitExceeded(
    response: Response,
    variantId: number,
    limitKind: 'PER_ORDER' | 'PER_CUSTOMER',
    limit: number,
    requested: number,
    alreadyHeld: number,
  ): void {
    expectProblem(response, 409, 'PURCHASE_LIMIT_EXCEEDED');
    expect(response.body.lines).toEqual([{ variantId, limitKind, limit, requested, alreadyHeld }]);
  }

  /** The customer checks out a cart of `quantity` units of the variant; the reservation's id. */
  async function checkedOut(customer: Customer, variantId: number, quantity: number): Promise<string> {
    await addItem(t, customer, variantId, quantity).expect(201);
    const response = await checkout(t, customer).expect(201);
    return response.body.id as string;
  }

  describe('PUT /api/inventory/:variantId/limits', () => {
    it('sets the limits, shows them in the stock answer, keeps absent fields and removes null ones', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      expect(await limitsOf(variant.id)).toEqual(NO_LIMITS);

      const set = await putLimits(variant.id, {
        maxPerOrder: 2,
        maxPerCustomer: 4,
        windowSeconds: 3600,
        lowStockThreshold: 3,
      });

      expect(set.status).toBe(200);
      const all = { maxPerOrder: 2, maxPerCustomer: 4, windowSeconds: 3600, lowStockThreshold: 3 };
      expect(set.body).toMatchObject({ variantId: variant.id, onHand: 10, reserved: 0, available: 10, limits: all });
      expect(await limitsOf(variant.id)).toEqual(all);

      await putLimits(variant.id, { maxPerCustomer: 5 }).expect(200);
      expect(await limitsOf(variant.id)).toEqual({ ...all, maxPerCustomer: 5 });

      await putLimits(variant.id, { maxPerOrder: null, windowSeconds: null }).expect(200);
      expect(await limitsOf(variant.id)).toEqual({ ...all, maxPerCustomer: 5, maxPerOrder: null, windowSeconds: null });

      await putLimits(variant.id, { maxPerCustomer: null, lowStockThreshold: null }).expect(200);
      expect(await limitsOf(variant.id)).toEqual(NO_LIMITS);
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 10, reserved: 0, available: 10 });
    });

    it('raises the stock version and the ETag', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      const before = await t.http.get(`/api/inventory/${variant.id}`).expect(200);

      const response = await putLimits(variant.id, { maxPerOrder: 2 }).expect(200);

      expect(response.body.version).toBeGreaterThan(before.body.version);
      expect(response.headers.etag).toBe(`"${response.body.version}"`);
    });

    it.each([
      ['zero', { maxPerOrder: 0 }, 'maxPerOrder'],
      ['a negative number', { maxPerCustomer: -1 }, 'maxPerCustomer'],
      ['a non-integer', { windowSeconds: 1.5 }, 'windowSeconds'],
      ['a string', { maxPerOrder: '2' }, 'maxPerOrder'],
      ['an unknown field', { maxPerWeek: 2 }, 'maxPerWeek'],
    ])('answers 400 VALIDATION_FAILED for %s, and keeps the limits', async (_, body, field) => {
      const variant = await newStockedVariant(t, { onHand: 10 });
      await putLimits(variant.id, { maxPerOrder: 3, maxPerCustomer: 6 }).expect(200);
      const before = await t.http.get(`/api/inventory/${variant.id}`).expect(200);

      const response = await putLimits(variant.id, body);

      expectProblem(response, 400, 'VALIDATION_FAILED');
      expectFieldError(response, field);
      const after = await t.http.get(`/api/inventory/${variant.id}`).expect(200);
      expect(after.body.limits).toEqual({ ...NO_LIMITS, maxPerOrder: 3, maxPerCustomer: 6 });
      expect(after.body.version).toBe(before.body.version);
    });

    it('answers 403 FORBIDDEN to a customer, and keeps the limits', async () => {
      const variant = await newStockedVariant(t, { onHand: 10 });

      const response = await putLimits(variant.id, { maxPerOrder: 1 }, newCustomer(t).auth);

      expectProblem(response, 403, 'FORBIDDEN');
      expect(await limitsOf(variant.id)).toEqual(NO_LIMITS);
    });

    it('answers 404 NOT_FOUND for an unknown variant', async () => {
      const response = await putLimits(UNKNOWN_INT_ID, { maxPerOrder: 1 });

      expectProblem(response, 404, 'NOT_FOUND');
    });

    it('sets limits on a variant never stocked', async () => {
      const variant = await newVariant(t);

      const response = await putLimits(variant.id, { maxPerOrder: 1, maxPerCustomer: 2 });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ variantId: variant.id, onHand: 0, reserved: 0, available: 0 });
      expect(await limitsOf(variant.id)).toEqual({ ...NO_LIMITS, maxPerOrder: 1, maxPerCustomer: 2 });
    });
  });

  describe('maxPerOrder', () => {
    it('refuses an add past the cap with 409 PURCHASE_LIMIT_EXCEEDED and leaves the cart as it was', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerOrder: 2 }).expect(200);
      const before = await cartOf(t, customer);

      const response = await addItem(t, customer, variant.id, 3);

      expectLimitExceeded(response, variant.id, 'PER_ORDER', 2, 3, 0);
      expect(await cartOf(t, customer)).toEqual(before);
    });

    it('accepts a line at the cap, and refuses an add or an edit that takes the line past it', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerOrder: 2 }).expect(200);

      const added = await addItem(t, customer, variant.id, 2);
      expect(added.status).toBe(201);
      expect(added.body.quantity).toBe(2);
      const atCap = await cartOf(t, customer);

      expectLimitExceeded(await addItem(t, customer, variant.id, 1), variant.id, 'PER_ORDER', 2, 3, 0);
      expect(await cartOf(t, customer)).toEqual(atCap);

      expectLimitExceeded(await updateItem(t, customer, added.body.id, 3), variant.id, 'PER_ORDER', 2, 3, 0);
      expect(await cartOf(t, customer)).toEqual(atCap);

      const lowered = await updateItem(t, customer, added.body.id, 1);
      expect(lowered.status).toBe(200);
      expect(lowered.body.quantity).toBe(1);
      expect((await cartOf(t, customer)).items).toEqual([
        expect.objectContaining({ variantId: variant.id, quantity: 1 }),
      ]);
    });

    it('lets the line past the old cap once the limit is removed', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerOrder: 2 }).expect(200);
      expectProblem(await addItem(t, customer, variant.id, 3), 409, 'PURCHASE_LIMIT_EXCEEDED');

      await putLimits(variant.id, { maxPerOrder: null }).expect(200);
      const response = await addItem(t, customer, variant.id, 3);

      expect(response.status).toBe(201);
      expect(response.body.quantity).toBe(3);
    });

    it('keeps the line at the cap under 50 parallel adds of one unit by one customer, and answers no 5xx', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 100);
      await putLimits(variant.id, { maxPerOrder: 2 }).expect(200);

      const responses = await Promise.all(Array.from({ length: 50 }, () => addItem(t, customer, variant.id, 1)));

      const failed = responses.filter((response) => response.status !== 201);
      expect(failed.filter((response) => response.status >= 500).map((response) => response.body)).toEqual([]);
      for (const response of failed) {
        expect(response.status).toBe(409);
        expect(['PURCHASE_LIMIT_EXCEEDED', 'CONFLICT']).toContain(response.body.code);
        if (response.body.code === 'PURCHASE_LIMIT_EXCEEDED') {
          expect(response.body.lines).toEqual([
            { variantId: variant.id, limitKind: 'PER_ORDER', limit: 2, requested: 3, alreadyHeld: 0 },
          ]);
        }
      }
      const cart = await cartOf(t, customer);
      expect(cart.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 2 })]);
      expect(responses.filter((response) => response.status === 201)).toHaveLength(2);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 0, available: 100 });
    });
  });

  describe('maxPerCustomer', () => {
    it('counts an ACTIVE hold of the customer: 409 PER_CUSTOMER with alreadyHeld, until the hold is cancelled', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      const filler = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerCustomer: 2 }).expect(200);
      const reservationId = await checkedOut(customer, variant.id, 2);
      // A new cart, so the cancelled checkout's cart is not given back in its place.
      await addItem(t, customer, filler.id, 1).expect(201);
      const nextCart = await cartOf(t, customer);

      const refused = await addItem(t, customer, variant.id, 1);

      expectLimitExceeded(refused, variant.id, 'PER_CUSTOMER', 2, 1, 2);
      expect(await cartOf(t, customer)).toEqual(nextCart);

      await cancel(reservationId, t.admin).expect(200);
      const added = await addItem(t, customer, variant.id, 1);
      expect(added.status).toBe(201);
      expect(added.body.quantity).toBe(1);
    });

    it('never lets a customer hold more than the cap: 50 parallel adds with 1 held, then 20 parallel checkouts', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 100);
      await putLimits(variant.id, { maxPerCustomer: 2 }).expect(200);
      await checkedOut(customer, variant.id, 1);

      const adds = await Promise.all(Array.from({ length: 50 }, () => addItem(t, customer, variant.id, 1)));
      const checkouts = await Promise.all(Array.from({ length: 20 }, () => checkout(t, customer)));

      for (const response of [...adds, ...checkouts].filter((answer) => answer.status >= 300)) {
        expect(response.status).toBe(409);
        expect(['PURCHASE_LIMIT_EXCEEDED', 'CONFLICT', 'CART_EMPTY']).toContain(response.body.code);
      }
      expect(adds.filter((response) => response.status === 201)).toHaveLength(1);
      const held = await activeReservationsOf(t, variant.id);
      expect(held.reduce((units, hold) => units + hold.quantity, 0)).toBe(2);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 2, available: 98 });
    });

    it('does not count one customer’s hold against another customer', async () => {
      const holder = newCustomer(t);
      const other = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerCustomer: 2 }).expect(200);
      await checkedOut(holder, variant.id, 2);

      const response = await addItem(t, other, variant.id, 2);

      expect(response.status).toBe(201);
      expect(response.body.quantity).toBe(2);
    });

    it('counts a CONFIRMED purchase', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerCustomer: 2 }).expect(200);
      const reservationId = await checkedOut(customer, variant.id, 2);
      await confirm(reservationId).expect(200);

      const response = await addItem(t, customer, variant.id, 1);

      expectLimitExceeded(response, variant.id, 'PER_CUSTOMER', 2, 1, 2);
      expect((await cartOf(t, customer)).items).toEqual([]);
    });

    it('stops counting a purchase once it is older than windowSeconds', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerCustomer: 2, windowSeconds: 3600 }).expect(200);
      await addItem(t, customer, variant.id, 2).expect(201);
      const reservation = (await checkout(t, customer).expect(201)).body;
      await confirm(reservation.id).expect(200);
      expectLimitExceeded(await addItem(t, customer, variant.id, 1), variant.id, 'PER_CUSTOMER', 2, 1, 2);

      await putLimits(variant.id, { windowSeconds: 1 }).expect(200);
      await sleep(Math.max(0, new Date(reservation.createdAt).getTime() + 1500 - Date.now()));
      const response = await addItem(t, customer, variant.id, 1);

      expect(response.status).toBe(201);
      expect(response.body.quantity).toBe(1);
    });

    it('lifts the cap once the limit is removed', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerCustomer: 2 }).expect(200);
      await checkedOut(customer, variant.id, 2);
      expectProblem(await addItem(t, customer, variant.id, 1), 409, 'PURCHASE_LIMIT_EXCEEDED');

      await putLimits(variant.id, { maxPerCustomer: null }).expect(200);
      const response = await addItem(t, customer, variant.id, 3);

      expect(response.status).toBe(201);
      expect(response.body.quantity).toBe(3);
    });
  });

  describe('checkout', () => {
    it('answers 409 PURCHASE_LIMIT_EXCEEDED for a line the admin’s lowered limit no longer allows, and reserves nothing', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await addItem(t, customer, variant.id, 3).expect(201);
      await putLimits(variant.id, { maxPerOrder: 2 }).expect(200);
      const before = await cartOf(t, customer);

      const response = await checkout(t, customer);

      expectLimitExceeded(response, variant.id, 'PER_ORDER', 2, 3, 0);
      expect(await cartOf(t, customer)).toEqual(before);
      expect(before.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 3 })]);
      expect((await cartStatusesOf(t, customer)).map((cart) => cart.status)).toEqual(['ACTIVE']);
      expect(await reservationsOf(t, customer)).toEqual([]);
      expect(await stockOf(t, variant.id)).toEqual({ variantId: variant.id, onHand: 10, reserved: 0, available: 10 });
    });

    it('answers 409 PURCHASE_LIMIT_EXCEEDED PER_CUSTOMER when a hold made after the add leaves no room for the line', async () => {
      const customer = newCustomer(t);
      const variant = await pricedVariant(t, 10);
      await putLimits(variant.id, { maxPerCustomer: 2 }).expect(200);
      await addItem(t, customer, variant.id, 2).expect(201);
      await reserve(t, customer.sub, [line(variant, 1)]);
      const before = await cartOf(t, customer);

      const response = await checkout(t, customer);

      expectLimitExceeded(response, variant.id, 'PER_CUSTOMER', 2, 2, 1);
      expect(await cartOf(t, customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toHaveLength(1);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 1, available: 9 });
    });

    it('answers 409 TOO_MANY_HOLDS to a customer holding 3 ACTIVE reservations, until one is cancelled', async () => {
      const customer = newCustomer(t);
      const held = await newStockedVariant(t, { onHand: 10 });
      const holds = [];
      for (let index = 0; index < 3; index++) holds.push(await reserve(t, customer.sub, [line(held, 1)]));
      const variant = await pricedVariant(t, 10);
      await addItem(t, customer, variant.id, 1).expect(201);
      const before = await cartOf(t, customer);

      const refused = await checkout(t, customer);

      expectProblem(refused, 409, 'TOO_MANY_HOLDS');
      expect(refused.body.limit).toBe(3);
      expect(await cartOf(t, customer)).toEqual(before);
      expect(await reservationsOf(t, customer)).toHaveLength(3);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 0, available: 10 });

      await cancel(holds[0].id, t.admin).expect(200);
      const response = await checkout(t, customer);

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ status: 'ACTIVE', items: [{ variantId: variant.id, quantity: 1 }] });
      expect(await activeReservationsOf(t, variant.id)).toEqual([{ id: response.body.id, quantity: 1 }]);
    });
  });
});
