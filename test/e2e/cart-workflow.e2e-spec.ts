import { ConfigService } from '@nestjs/config';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { components } from '../../console/src/api/schema';
import { ApiClient, expectStatus, ListeningTestApp, startListeningTestApp } from '../support/api-client';
import { eventually } from '../support/wait';
import { unique } from '../support/test-app';

/**
 * A shopper's whole workflow, every call through the openapi-fetch client typed by the
 * committed console/src/api/schema.d.ts. The first test proves that file is what
 * openapi-typescript makes of the live /docs-json, so the types cannot drift from the
 * code: a changed route fails here, and a renamed field fails `npm run build` (tsc
 * checks this file against the committed types).
 */

const COMMITTED_SCHEMA = join(__dirname, '..', '..', 'console', 'src', 'api', 'schema.d.ts');
// The same command line as the `openapi:client` script: this test fails if they disagree.
const OPENAPI_TYPESCRIPT_OPTIONS = ['--default-non-nullable', 'false'];

type StockLevel = components['schemas']['StockLevelDto'];

const queuePrefix = (name: string) => `${process.env.QUEUE_PREFIX}:${name}`;

/** A catalog priced like the seed: 500.00 + 50.00, "10+ units" 10 % off, "Gold" 15 % off (in its category). */
async function createGoldCatalog(
  admin: ApiClient,
  onHand: number,
): Promise<{ variantId: number; sku: string; productName: string }> {
  const category = await expectStatus(
    admin.POST('/api/products/categories', { body: { name: unique('Clothing') } }),
    201,
  );
  const scope = { type: 'CATEGORY' as const, id: category.id };
  await expectStatus(
    admin.POST('/api/pricing/rules', {
      body: {
        name: '10+ units',
        kind: 'QUANTITY',
        scope,
        condition: { minQuantity: 10 },
        effect: { type: 'PERCENT_OFF', value: '10' },
      },
    }),
    201,
  );
  await expectStatus(
    admin.POST('/api/pricing/rules', {
      body: {
        name: 'Gold',
        kind: 'CUSTOMER_TIER',
        scope,
        condition: { tier: 'GOLD' },
        effect: { type: 'PERCENT_OFF', value: '15' },
      },
    }),
    201,
  );
  const product = await expectStatus(
    admin.POST('/api/products', { body: { name: unique('T-Shirt'), categoryId: category.id, basePrice: '500.00' } }),
    201,
  );
  const variant = await expectStatus(
    admin.POST('/api/products/variants', {
      body: {
        productId: product.id,
        sku: unique('TSHIRT-BLK-M').toUpperCase(),
        priceAdjustment: '50.00',
        attributes: { color: 'black', size: 'M' },
      },
    }),
    201,
  );
  const stock = await expectStatus(
    admin.PUT('/api/inventory/{variantId}', { params: { path: { variantId: variant.id } }, body: { onHand } }),
    200,
  );
  expect(stock).toEqual<StockLevel>({
    variantId: variant.id,
    onHand,
    reserved: 0,
    available: onHand,
    state: 'IN_STOCK',
    version: 1,
    limits: { maxPerOrder: null, maxPerCustomer: null, windowSeconds: null, lowStockThreshold: null },
    asOf: expect.any(String),
  });
  return { variantId: variant.id, sku: variant.sku, productName: product.name };
}

function stockOf(client: ApiClient, variantId: number) {
  return expectStatus(client.GET('/api/inventory/{variantId}', { params: { path: { variantId } } }), 200);
}

describe('the cart workflow through the generated client', () => {
  let t: ListeningTestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startListeningTestApp();
    admin = t.client(t.admin);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('uses a client generated from the live OpenAPI document (else run `npm run openapi:client`)', async () => {
    const response = await fetch(`${t.baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    const directory = await mkdtemp(join(tmpdir(), 'openapi-client-'));
    try {
      const specFile = join(directory, 'openapi.json');
      const schemaFile = join(directory, 'schema.d.ts');
      await writeFile(specFile, await response.text());
      // Its exports map bin/cli.js to a file that does not exist; find the CLI from the package root.
      const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
      const args = [cli, specFile, ...OPENAPI_TYPESCRIPT_OPTIONS, '--output', schemaFile];
      await promisify(execFile)(process.execPath, args);

      const generated = await readFile(schemaFile, 'utf8');
      const committed = await readFile(COMMITTED_SCHEMA, 'utf8');
      if (generated !== committed) {
        const [fresh, old] = [generated.split('\n'), committed.split('\n')];
        const differs = fresh.findIndex((text, index) => text !== old[index]);
        const line = differs === -1 ? fresh.length : differs;
        throw new Error(
          'console/src/api/schema.d.ts does not match the OpenAPI document the app serves. ' +
            'Run `npm run openapi:client` and commit the result.\n' +
            `First difference, line ${line + 1}:\n  committed: ${old[line]}\n  generated: ${fresh[line]}`,
        );
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('quotes, adds to the cart, checks out, confirms: the stock is sold', async () => {
    const { variantId, sku, productName } = await createGoldCatalog(admin, 10);
    const anonymous = t.client();

    const quote = await expectStatus(
      anonymous.GET('/api/pricing/{variantId}/price', {
        params: { path: { variantId }, query: { quantity: 10, tier: 'GOLD' } },
      }),
      200,
    );
    expect([quote.basePrice, quote.unitPrice, quote.totalPrice]).toEqual(['550.00', '420.75', '4207.50']);
    expect(quote.appliedRules.map((rule) => [rule.name, rule.before, rule.after])).toEqual([
      ['10+ units', '550.00', '495.00'],
      ['Gold', '495.00', '420.75'],
    ]);

    const customer = t.client(t.customer(unique('gold-buyer'), 'GOLD'));
    const item = await expectStatus(customer.POST('/api/cart/items', { body: { variantId, quantity: 10 } }), 201);
    expect([item.variantId, item.sku, item.productName, item.quantity]).toEqual([variantId, sku, productName, 10]);
    expect([item.unitPrice, item.lineTotal]).toEqual(['420.75', '4207.50']);
    expect(item.appliedRules).toEqual(quote.appliedRules);
    expect(Number.isNaN(Date.parse(item.pricedAt))).toBe(false);

    const cart = await expectStatus(customer.GET('/api/cart'), 200);
    expect([cart.status, cart.subtotal, cart.savings, cart.currency]).toEqual(['ACTIVE', '4207.50', '1292.50', 'USD']);
    expect(cart.id).not.toBeNull();
    expect(cart.items).toEqual([item]);

    const ttlSeconds = t.app.get(ConfigService).getOrThrow<number>('RESERVATION_TTL_SECONDS');
    const idempotencyKey = randomUUID();
    const checkout = () =>
      customer.POST('/api/cart/checkout', { params: { header: { 'Idempotency-Key': idempotencyKey } } });
    const before = Date.now();
    const reservation = await expectStatus(checkout(), 201);
    const after = Date.now();
    expect([reservation.status, reservation.total, reservation.closedAt]).toEqual(['ACTIVE', '4207.50', null]);
    expect(reservation.items.map((line) => [line.variantId, line.sku, line.quantity, line.unitPrice])).toEqual([
      [variantId, sku, 10, '420.75'],
    ]);
    const expiresAt = Date.parse(reservation.expiresAt);
    expect(expiresAt - Date.parse(reservation.createdAt)).toBe(ttlSeconds * 1000);
    expect(expiresAt).toBeGreaterThanOrEqual(before + ttlSeconds * 1000 - 2000);
    expect(expiresAt).toBeLessThanOrEqual(after + ttlSeconds * 1000 + 2000);

    // A retry with the same key answers the same reservation and reserves nothing more.
    const replay = await checkout();
    expect(replay.response.status).toBe(201);
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.data?.id).toBe(reservation.id);

    const afterCheckout = await expectStatus(customer.GET('/api/cart'), 200);
    expect(afterCheckout.id).toBeNull();
    expect(afterCheckout.items).toEqual([]);
    expect(await stockOf(anonymous, variantId)).toMatchObject<Partial<StockLevel>>({
      variantId,
      onHand: 10,
      reserved: 10,
      available: 0,
      state: 'OUT_OF_STOCK',
    });
    const held = await expectStatus(
      customer.GET('/api/reservations/{id}', { params: { path: { id: reservation.id } } }),
      200,
    );
    expect([held.id, held.status, held.expiresAt]).toEqual([reservation.id, 'ACTIVE', reservation.expiresAt]);

    const confirmed = await expectStatus(
      admin.POST('/api/reservations/{id}/confirm', { params: { path: { id: reservation.id } } }),
      200,
    );
    expect(confirmed.status).toBe('CONFIRMED');
    expect(await stockOf(anonymous, variantId)).toMatchObject<Partial<StockLevel>>({
      variantId,
      onHand: 0,
      reserved: 0,
      available: 0,
      state: 'OUT_OF_STOCK',
    });
  });
});

describe('the cart workflow with a short reservation TTL', () => {
  let t: ListeningTestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startListeningTestApp({
      RESERVATION_TTL_SECONDS: '2',
      RESERVATION_SWEEP_SECONDS: '1',
      QUEUE_PREFIX: queuePrefix('cart-workflow'),
    });
    admin = t.client(t.admin);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('expires an unconfirmed checkout: the stock returns and the cart is ACTIVE again', async () => {
    const { variantId } = await createGoldCatalog(admin, 10);
    const customer = t.client(t.customer(unique('slow-buyer'), 'GOLD'));
    const item = await expectStatus(customer.POST('/api/cart/items', { body: { variantId, quantity: 10 } }), 201);
    const cart = await expectStatus(customer.GET('/api/cart'), 200);
    const reservation = await expectStatus(
      customer.POST('/api/cart/checkout', { params: { header: { 'Idempotency-Key': randomUUID() } } }),
      201,
    );
    expect([reservation.status, reservation.total]).toEqual(['ACTIVE', '4207.50']);
    expect(Date.parse(reservation.expiresAt) - Date.parse(reservation.createdAt)).toBe(2000);
    const held = await stockOf(admin, variantId);
    expect([held.reserved, held.available]).toEqual([10, 0]);

    // Stock and cart first: reading the reservation would expire it itself, not the job.
    await eventually(async () => {
      const stock = await stockOf(admin, variantId);
      expect([stock.onHand, stock.reserved, stock.available]).toEqual([10, 0, 10]);
      const again = await expectStatus(customer.GET('/api/cart'), 200);
      expect([again.id, again.status, again.subtotal]).toEqual([cart.id, 'ACTIVE', '4207.50']);
      expect(again.items).toEqual([item]);
    }, 15_000);
    const expired = await expectStatus(
      customer.GET('/api/reservations/{id}', { params: { path: { id: reservation.id } } }),
      200,
    );
    expect(expired.status).toBe('EXPIRED');
  });
});
