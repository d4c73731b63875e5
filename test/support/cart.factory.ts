import { randomUUID } from 'node:crypto';
import { CartService } from '../../src/cart/cart.service';
import { CheckoutService } from '../../src/cart/checkout.service';
import { Money } from '../../src/shared/money';
import { Customer } from './customer.factory';
import { UUID } from './ids';
import { Harness, TestApp, unique } from './test-app';
import { newCategory, newProduct } from './catalog.factory';
import { newStockedVariant } from './inventory.factory';
import { createSeedRules } from './pricing.factory';

/** POST /api/cart/items as the customer; the supertest request, to assert on. */
export function addItem(t: TestApp, customer: Customer, variantId: number, quantity: number, idempotencyKey?: string) {
  const request = t.http.post('/api/cart/items').set('authorization', customer.auth);
  if (idempotencyKey !== undefined) request.set('idempotency-key', idempotencyKey);
  return request.send({ variantId, quantity });
}

export function getCart(t: TestApp, customer: Customer) {
  return t.http.get('/api/cart').set('authorization', customer.auth);
}

export function updateItem(t: TestApp, customer: Customer, itemId: string, quantity: number) {
  return t.http.patch(`/api/cart/items/${itemId}`).set('authorization', customer.auth).send({ quantity });
}

export function removeItem(t: TestApp, customer: Customer, itemId: string) {
  return t.http.delete(`/api/cart/items/${itemId}`).set('authorization', customer.auth);
}

/** POST /api/cart/checkout as the customer, with an Idempotency-Key when given. */
export function checkout(t: TestApp, customer: Customer, idempotencyKey?: string) {
  const request = t.http.post('/api/cart/checkout').set('authorization', customer.auth);
  if (idempotencyKey !== undefined) request.set('idempotency-key', idempotencyKey);
  return request;
}

/** Adds every line (expecting 201 each), in the order given. */
export async function fillCart(
  t: TestApp,
  customer: Customer,
  lines: readonly { variantId: number; quantity: number }[],
): Promise<void> {
  for (const { variantId, quantity } of lines) {
    await addItem(t, customer, variantId, quantity).expect(201);
  }
}

export interface CartLine {
  variant: { id: number; sku: string };
  quantity: number;
  /** The price snapshot of one unit; the base price too, so the line shows no saving. */
  unitPrice: string;
  productName?: string;
}

/**
 * An ACTIVE cart of the customer written straight into the database, its lines priced
 * at the customer's tier as an add would have priced them without any rule; its id.
 */
export async function newCart(t: Pick<Harness, 'dataSource'>, customer: Customer, lines: CartLine[]): Promise<string> {
  const cartId = randomUUID();
  await t.dataSource.transaction(async (tx) => {
    await tx.query(`INSERT INTO carts (id, customer_id, status) VALUES ($1, $2, 'ACTIVE')`, [cartId, customer.sub]);
    for (const { variant, quantity, unitPrice, productName } of lines) {
      const price = Money.parse(unitPrice).minor;
      await tx.query(
        `INSERT INTO cart_items (id, cart_id, variant_id, sku, product_name, quantity, unit_price_minor,
                                 base_price_minor, tier, applied_rules, priced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, '[]', now())`,
        [randomUUID(), cartId, variant.id, variant.sku, productName ?? 'Product', quantity, price, customer.tier],
      );
    }
  });
  return cartId;
}

/**
 * The cart module's use cases called as its controller calls them, for medium tests: the
 * one place that follows their signatures.
 */
export function cartUseCases(t: Pick<Harness, 'get'>) {
  const carts = t.get(CartService);
  const checkouts = t.get(CheckoutService);
  return {
    getCart: (customer: Customer) => carts.getCart(customer.principal),
    addItem: (customer: Customer, variantId: number, quantity: number, idempotencyKey?: string) =>
      carts.addItem(customer.principal, { variantId, quantity }, idempotencyKey),
    checkout: (customer: Customer, idempotencyKey?: string) => checkouts.checkout(customer.principal, idempotencyKey),
  };
}

/** A variant of its own product (base 500.00 + 50.00 = 550.00) in a category of its own. */
export interface PricedVariant {
  id: number;
  sku: string;
  productId: number;
  productName: string;
  categoryId: number;
}

export interface SeedRules {
  volume: { id: number; name: string };
  gold: { id: number; name: string };
}

/** A 500.00 product named by the test, in `categoryId` or in a category of its own. */
export async function newNamedProduct(t: Pick<Harness, 'dataSource'>, categoryId?: number) {
  const category = categoryId ?? (await newCategory(t));
  const productName = unique('Cart product');
  const productId = await newProduct(t, { name: productName, categoryId: category, basePrice: '500.00' });
  return { productId, productName, categoryId: category };
}

/** A 550.00 variant with `onHand` units, its product named and in a category of its own. */
export async function pricedVariant(t: Pick<Harness, 'dataSource'>, onHand: number): Promise<PricedVariant> {
  const product = await newNamedProduct(t);
  const variant = await newStockedVariant(t, { productId: product.productId, onHand });
  return { ...variant, ...product };
}

/** A 550.00 variant with the seed's "10+ units: 10 % off" and "Gold: 15 % off" rules in its category. */
export async function variantWithSeedRules(t: TestApp, onHand: number): Promise<PricedVariant & { rules: SeedRules }> {
  const variant = await pricedVariant(t, onHand);
  const rules = (await createSeedRules(t, { type: 'CATEGORY', id: variant.categoryId })) as unknown as SeedRules;
  return { ...variant, rules };
}

/** The applied rule of the seed's volume break on a 550.00 line. */
export function volumeRule(rules: SeedRules) {
  return { ruleId: rules.volume.id, name: '10+ units', kind: 'QUANTITY', before: '550.00', after: '495.00' };
}

/** The expected line of a cart (id and pricedAt any; money given by the test). */
export function expectedLine(
  variant: PricedVariant,
  quantity: number,
  unitPrice: string,
  lineTotal: string,
  appliedRules: unknown[] = [],
) {
  return {
    id: expect.stringMatching(UUID),
    variantId: variant.id,
    sku: variant.sku,
    productName: variant.productName,
    quantity,
    unitPrice,
    lineTotal,
    appliedRules,
    pricedAt: expect.any(String),
  };
}

/** GET /api/cart as the customer, expecting 200; the cart. */
export async function cartOf(t: TestApp, customer: Customer) {
  return (await getCart(t, customer).expect(200)).body;
}

/** What GET /api/cart answers a customer without an active cart. */
export function emptyCart(currency: string) {
  return { id: null, status: 'ACTIVE', items: [], subtotal: '0.00', savings: '0.00', currency };
}
