import { Response } from 'supertest';
import { addItem, checkout, fillCart, getCart, updateItem } from '../support/cart.factory';
import { newCustomer } from '../support/customer.factory';
import { auditDrift, ledgerOf, newStockedVariant, StockedVariant, stockOf } from '../support/inventory.factory';
import { expectProblem } from '../support/problem';
import {
  activeCartsOf,
  activeReservationsOf,
  cartRowsOf,
  checkedOutCartsOf,
  reservationCountOf,
  reservationsOf,
} from '../support/rows';
import { startQuietTestApp, TestApp, unique } from '../support/test-app';
import { sleep } from '../support/wait';

/**
 * Races on carts and checkout over HTTP against the real app (PostgreSQL row locks, the
 * cart's version check, the idempotency key row). Every assertion is an exact count or an
 * invariant that holds whichever request wins; no test depends on who wins. Every test
 * ends with the inventory audit: counters, ledger and ACTIVE reservations must agree.
 */
describe('cart under concurrency', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startQuietTestApp('cart-concurrency', { DATABASE_POOL_SIZE: '20' });
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    expect(await auditDrift(t)).toEqual([]);
  });

  /** Fails with the offending answers when any of them is a 5xx (a deadlock or a bug shows as 500). */
  function expectNoServerError(responses: Response[]): void {
    const failed = responses
      .filter((response) => response.status >= 500)
      .map((response) => ({ status: response.status, body: response.body as unknown }));
    expect(failed).toEqual([]);
  }

  /** How many answers had each status, e.g. `{ 201: 50, 409: 150 }`. */
  function countStatuses(responses: Response[]): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }

  it('lets exactly 50 of 200 customers racing for 50 units check out, and leaves the 150 others’ carts as they were', async () => {
    const CUSTOMERS = 200;
    const UNITS = 50;
    const variant = await newStockedVariant(t, { onHand: UNITS });
    const customers = Array.from({ length: CUSTOMERS }, () => newCustomer(t));
    // Adding checks availability but reserves nothing, so every one of the 200 adds succeeds.
    await Promise.all(customers.map((customer) => addItem(t, customer, variant.id, 1).expect(201)));
    const cartIds = await Promise.all(
      customers.map(async (customer) => (await getCart(t, customer).expect(200)).body.id as string),
    );
    expect(new Set(cartIds).size).toBe(CUSTOMERS);

    const responses = await Promise.all(customers.map((customer) => checkout(t, customer)));

    expectNoServerError(responses);
    expect(countStatuses(responses)).toEqual({ 201: UNITS, 409: CUSTOMERS - UNITS });
    const winners = customers.filter((_, index) => responses[index].status === 201);
    const losers = customers.filter((_, index) => responses[index].status === 409);
    for (const response of responses) {
      if (response.status === 201) {
        expect(response.body).toMatchObject({
          status: 'ACTIVE',
          items: [{ variantId: variant.id, sku: variant.sku, quantity: 1 }],
        });
      } else {
        expectProblem(response, 409, 'INSUFFICIENT_STOCK');
        expect(response.body.lines).toEqual([{ variantId: variant.id, requested: 1, available: 0 }]);
      }
    }

    expect(await stockOf(t, variant.id)).toEqual({
      variantId: variant.id,
      onHand: UNITS,
      reserved: UNITS,
      available: 0,
    });
    const active = await activeReservationsOf(t, variant.id);
    expect(active).toHaveLength(UNITS);
    expect(new Set(active.map((reservation) => reservation.id))).toEqual(
      new Set(responses.filter((response) => response.status === 201).map((response) => response.body.id)),
    );
    const ledger = await ledgerOf(t, variant.id);
    expect(ledger.filter((row) => row.reason === 'RESERVE')).toHaveLength(UNITS);

    // A failed checkout leaves the cart as it was: same cart, ACTIVE, its one line.
    const loserCarts = await Promise.all(losers.map((customer) => getCart(t, customer).expect(200)));
    loserCarts.forEach(({ body }, index) => {
      expect(body).toMatchObject({ id: cartIds[customers.indexOf(losers[index])], status: 'ACTIVE' });
      expect(body.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: 1 })]);
    });
    expect(await reservationCountOf(t, losers)).toBe(0);
    // A winner's cart is checked out, pointing at the reservation it got; GET /api/cart answers an empty cart.
    const winnerCarts = await Promise.all(winners.map((customer) => getCart(t, customer).expect(200)));
    for (const { body } of winnerCarts) expect(body).toMatchObject({ id: null, items: [] });
    expect(await reservationCountOf(t, winners)).toBe(UNITS);
    const checkedOut = await checkedOutCartsOf(t, winners);
    expect(checkedOut.map((cart) => cart.customer_id).sort()).toEqual(winners.map((customer) => customer.sub).sort());
    for (const cart of checkedOut) {
      const index = customers.findIndex((customer) => customer.sub === cart.customer_id);
      expect(cart).toMatchObject({ id: cartIds[index], reservation_id: responses[index].body.id });
    }
  });

  it('checks out 40 three-line carts over shared variants, filled in opposite orders, without a deadlock', async () => {
    const CUSTOMERS = 40;
    const variants = await Promise.all([1, 2, 3].map(() => newStockedVariant(t, { onHand: 1000 })));
    // A different quantity per variant, so a line reserved against the wrong variant shows.
    const quantityOf = new Map(variants.map((variant, index) => [variant.id, index + 1]));
    const ascending = [...variants].sort((a, b) => a.id - b.id);
    const descending = [...ascending].reverse();
    const customers = Array.from({ length: CUSTOMERS }, () => newCustomer(t));
    const orderOf = (index: number): StockedVariant[] => (index % 2 === 0 ? ascending : descending);
    await Promise.all(
      customers.map((customer, index) =>
        fillCart(
          t,
          customer,
          orderOf(index).map((variant) => ({ variantId: variant.id, quantity: quantityOf.get(variant.id)! })),
        ),
      ),
    );
    // The carts really hold their lines in opposite orders (checkout sends them in cart order).
    const { body: firstCart } = await getCart(t, customers[0]).expect(200);
    const { body: secondCart } = await getCart(t, customers[1]).expect(200);
    expect(firstCart.items.map((item: { variantId: number }) => item.variantId)).toEqual(ascending.map((v) => v.id));
    expect(secondCart.items.map((item: { variantId: number }) => item.variantId)).toEqual(descending.map((v) => v.id));

    const responses = await Promise.all(customers.map((customer) => checkout(t, customer)));

    expectNoServerError(responses);
    expect(countStatuses(responses)).toEqual({ 201: CUSTOMERS });
    for (const { body } of responses) {
      expect([...body.items].sort((a, b) => a.variantId - b.variantId)).toEqual(
        ascending.map((variant) =>
          expect.objectContaining({ variantId: variant.id, quantity: quantityOf.get(variant.id) }),
        ),
      );
    }
    for (const variant of variants) {
      const reserved = CUSTOMERS * quantityOf.get(variant.id)!;
      expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 1000, reserved, available: 1000 - reserved });
      expect(await activeReservationsOf(t, variant.id)).toHaveLength(CUSTOMERS);
    }
  });

  it('checks the same cart out once when two checkouts without an Idempotency-Key race', async () => {
    const ROUNDS = 10;
    const variant = await newStockedVariant(t, { onHand: 1000 });
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const customer = newCustomer(t);
      await fillCart(t, customer, [{ variantId: variant.id, quantity: 3 }]);

      const responses = await Promise.all([checkout(t, customer), checkout(t, customer)]);

      expectNoServerError(responses);
      const won = responses.find((response) => response.status === 201)!;
      const lost = responses.find((response) => response !== won)!;
      expect(won).toBeDefined();
      if (lost.status === 200) {
        // It read after the winner committed: the winner's reservation is its answer.
        expect(lost.headers['idempotent-replayed']).toBe('true');
        expect(lost.body.id).toBe(won.body.id);
        outcomes.push('REPLAYED');
      } else {
        // It read the cart before the winner committed.
        expectProblem(lost, 409, 'CONFLICT');
        outcomes.push(lost.body.code);
      }
      const reservations = await reservationsOf(t, customer);
      expect(reservations).toEqual([expect.objectContaining({ id: won.body.id, status: 'ACTIVE' })]);
      expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 3 * (round + 1) });
      expect((await getCart(t, customer).expect(200)).body).toMatchObject({ id: null, items: [] });
    }
    expect(outcomes).toHaveLength(ROUNDS);
    expect(await activeReservationsOf(t, variant.id)).toHaveLength(ROUNDS);
  });

  it('answers 10 simultaneous checkouts with one Idempotency-Key with one reservation, replayed 9 times', async () => {
    const N = 10;
    const variant = await newStockedVariant(t, { onHand: 100 });
    const customer = newCustomer(t);
    await fillCart(t, customer, [{ variantId: variant.id, quantity: 4 }]);
    const key = unique('checkout-key');

    const responses = await Promise.all(Array.from({ length: N }, () => checkout(t, customer, key)));

    expectNoServerError(responses);
    expect(countStatuses(responses)).toEqual({ 201: N });
    const [first, ...rest] = responses;
    expect(first.body).toMatchObject({ status: 'ACTIVE', items: [{ variantId: variant.id, quantity: 4 }] });
    for (const response of rest) expect(response.body).toEqual(first.body);
    const original = responses.filter((response) => response.headers['idempotent-replayed'] === undefined);
    expect(original).toHaveLength(1);
    for (const response of responses) {
      if (response !== original[0]) expect(response.headers['idempotent-replayed']).toBe('true');
    }

    expect(await reservationsOf(t, customer)).toEqual([expect.objectContaining({ id: first.body.id })]);
    expect(await stockOf(t, variant.id)).toMatchObject({ onHand: 100, reserved: 4, available: 96 });
    expect((await ledgerOf(t, variant.id)).filter((row) => row.reason === 'RESERVE')).toHaveLength(1);
    // Later the same key still replays the same answer, and still reserves nothing more.
    const later = await checkout(t, customer, key).expect(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.body).toEqual(first.body);
    expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 4 });
  });

  it('reserves either the old or the new quantity when a line edit races a checkout, consistently with both answers', async () => {
    const ROUNDS = 15;
    const STAGGER_MS = [0, 0, 10, 20, 40];
    const OLD = 2;
    const NEW = 5;
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const variant = await newStockedVariant(t, { onHand: 100 });
      const customer = newCustomer(t);
      const { body: line } = await addItem(t, customer, variant.id, OLD).expect(201);
      // Both requests are in flight together; the checkout is sent up to 40 ms after the edit in
      // some rounds so that each interleaving tends to come up. The assertions hold for every one.
      const lag = STAGGER_MS[round % STAGGER_MS.length];
      const [patch, paid] = await Promise.all([
        updateItem(t, customer, line.id, NEW),
        sleep(lag).then(() => checkout(t, customer)),
      ]);

      expectNoServerError([patch, paid]);
      const stock = await stockOf(t, variant.id);
      const reservations = await reservationsOf(t, customer);
      const { body: cart } = await getCart(t, customer).expect(200);
      if (paid.status === 201) {
        // The reservation holds what the cart held when it was locked: old or new, never a mix.
        const reserved = paid.body.items[0].quantity;
        expect(paid.body.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: reserved })]);
        expect(reservations).toEqual([expect.objectContaining({ id: paid.body.id, status: 'ACTIVE' })]);
        expect(stock).toMatchObject({ onHand: 100, reserved });
        expect(cart).toMatchObject({ id: null, items: [] });
        if (reserved === OLD) {
          // Checkout locked the cart first; the edit then found no active cart holding its line.
          expectProblem(patch, 404, 'NOT_FOUND');
        } else {
          // The edit committed before checkout read the cart.
          expect(reserved).toBe(NEW);
          expect(patch.status).toBe(200);
          expect(patch.body).toMatchObject({ id: line.id, quantity: NEW });
        }
        outcomes[`reserved ${reserved}`] = (outcomes[`reserved ${reserved}`] ?? 0) + 1;
      } else {
        // Checkout read the cart, the edit committed, checkout found the cart changed: nothing reserved.
        expectProblem(paid, 409, 'CONFLICT');
        expect(patch.status).toBe(200);
        expect(patch.body).toMatchObject({ id: line.id, quantity: NEW });
        expect(reservations).toEqual([]);
        expect(stock).toMatchObject({ onHand: 100, reserved: 0 });
        expect(cart.status).toBe('ACTIVE');
        expect(cart.items).toEqual([expect.objectContaining({ id: line.id, variantId: variant.id, quantity: NEW })]);
        outcomes['checkout refused'] = (outcomes['checkout refused'] ?? 0) + 1;
      }
    }
    expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(ROUNDS);
  });

  describe('concurrent adds by one customer', () => {
    it('opens exactly one cart for 10 parallel first adds of different variants, holding all 10 lines', async () => {
      const variants = await Promise.all(Array.from({ length: 10 }, () => newStockedVariant(t, { onHand: 50 })));
      const customer = newCustomer(t);

      const responses = await Promise.all(
        variants.map((variant, index) => addItem(t, customer, variant.id, index + 1)),
      );

      expectNoServerError(responses);
      expect(countStatuses(responses)).toEqual({ 201: 10 });
      expect(await activeCartsOf(t, customer)).toHaveLength(1);
      expect(await cartRowsOf(t, customer)).toHaveLength(1);
      const { body: cart } = await getCart(t, customer).expect(200);
      expect(cart.items).toHaveLength(10);
      const held = cart.items.map((item: { variantId: number; quantity: number }) => [item.variantId, item.quantity]);
      expect(held.sort((a: number[], b: number[]) => a[0] - b[0])).toEqual(
        variants.map((variant, index) => [variant.id, index + 1]).sort((a, b) => a[0] - b[0]),
      );
      // Nothing is reserved by adding.
      for (const variant of variants) expect(await stockOf(t, variant.id)).toMatchObject({ reserved: 0 });
    });

    it.each([
      ['a customer without a cart', false],
      ['a cart that already holds the line', true],
    ])('loses no unit when 10 parallel adds of the same variant hit %s', async (_name, existing) => {
      const variant = await newStockedVariant(t, { onHand: 100 });
      const customer = newCustomer(t);
      const before = existing ? 1 : 0;
      if (existing) await addItem(t, customer, variant.id, 1).expect(201);

      const responses = await Promise.all(Array.from({ length: 10 }, () => addItem(t, customer, variant.id, 1)));

      expectNoServerError(responses);
      const added = responses.filter((response) => response.status === 201);
      const refused = responses.filter((response) => response.status !== 201);
      // A request that found the line moved under it three times gives up with 409 CONFLICT.
      for (const response of refused) expectProblem(response, 409, 'CONFLICT');
      expect(added.length).toBeGreaterThan(0);
      // Each add that succeeded wrote on top of a different quantity: no two saw the same line.
      expect(added.map((response) => response.body.quantity as number).sort((a, b) => a - b)).toEqual(
        Array.from({ length: added.length }, (_, index) => before + index + 1),
      );
      expect(await activeCartsOf(t, customer)).toHaveLength(1);
      const { body: cart } = await getCart(t, customer).expect(200);
      expect(cart.items).toEqual([expect.objectContaining({ variantId: variant.id, quantity: before + added.length })]);
    });
  });
});
