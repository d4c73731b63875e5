import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { newCatalog, newCategory } from '../support/catalog.factory';
import { eventually } from '../support/wait';
import { createRule, quote, unitPriceOf, ruleBody } from '../support/pricing.factory';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Two instances of the app on one database, as behind a load balancer. The second one
 * reloads its rules by timer only once an hour: what it sees sooner came through the
 * invalidation bus. (A test run's CPU is shared by many apps, so the bound here is
 * looser than the second the bus is meant for; the fault suite measures it alone.)
 */
const PROPAGATION_BOUND_MS = 3_000;

describe('Caches of several instances, kept true by the invalidation bus', () => {
  let writer: TestApp;
  let reader: TestApp;

  beforeAll(async () => {
    // Neither refreshes its rules by the clock: what reaches the reader comes over the bus,
    // and a refresh in the middle of a counted run (both apps share this process's driver)
    // would count as the quotes' own reads.
    writer = await startTestApp({ PRICING_RULES_REFRESH_SECONDS: '3600' });
    reader = await startTestApp({ PRICING_RULES_REFRESH_SECONDS: '3600' });
  });

  afterAll(async () => {
    await reader?.close();
    await writer?.close();
  });

  it('puts a rule written on one instance in force on the other', async () => {
    const { variantId } = await newCatalog(writer);
    expect(await unitPriceOf(reader, variantId)).toBe('550.00');

    await createRule(
      writer,
      ruleBody({ type: 'VARIANT', id: variantId }, { effect: { type: 'PERCENT_OFF', value: '50' } }),
    );

    await eventually(async () => expect(await unitPriceOf(reader, variantId)).toBe('275.00'), PROPAGATION_BOUND_MS, 20);
  });

  it("refreshes the other instance's variant views after a product, variant or category write", async () => {
    const { productId, variantId } = await newCatalog(writer);
    expect(await unitPriceOf(reader, variantId)).toBe('550.00');

    await writer.http
      .patch(`/api/products/${productId}`)
      .set('authorization', writer.admin)
      .send({ basePrice: '600.00' })
      .expect(200);
    await eventually(async () => expect(await unitPriceOf(reader, variantId)).toBe('650.00'), PROPAGATION_BOUND_MS, 20);

    await writer.http
      .patch(`/api/products/variants/${variantId}`)
      .set('authorization', writer.admin)
      .send({ priceAdjustment: '0.00' })
      .expect(200);
    await eventually(async () => expect(await unitPriceOf(reader, variantId)).toBe('600.00'), PROPAGATION_BOUND_MS, 20);

    // Moved under a category with a rule: the variant's category path changed.
    const discounted = await newCategory(writer);
    await createRule(
      writer,
      ruleBody({ type: 'CATEGORY', id: discounted }, { effect: { type: 'PERCENT_OFF', value: '10' } }),
    );
    await writer.http
      .patch(`/api/products/${productId}`)
      .set('authorization', writer.admin)
      .send({ categoryId: discounted })
      .expect(200);
    await eventually(async () => expect(await unitPriceOf(reader, variantId)).toBe('540.00'), PROPAGATION_BOUND_MS, 20);

    await writer.http.delete(`/api/products/variants/${variantId}`).set('authorization', writer.admin).expect(204);
    await eventually(async () => expect((await quote(reader, variantId)).status).toBe(404), PROPAGATION_BOUND_MS, 20);
  });

  it('answers a quote of a held variant without reading the database, unless a scarcity rule needs its stock', async () => {
    const plain = await newCatalog(writer);
    const scarce = await newCatalog(writer);
    await createRule(
      writer,
      ruleBody(
        { type: 'VARIANT', id: scarce.variantId },
        { kind: 'STOCK_LEVEL', condition: { maxAvailable: 5 }, effect: { type: 'PERCENT_MARKUP', value: '20' } },
      ),
    );
    // Held once read; the rule has reached the reader when its quote changes.
    await unitPriceOf(reader, plain.variantId);
    await eventually(
      async () => expect(await unitPriceOf(reader, scarce.variantId)).toBe('660.00'),
      PROPAGATION_BOUND_MS,
    );

    // The writes above make both apps reload in the background (the writer hears its own
    // notification twice: at its commit, and back from PostgreSQL); those reads are not the quotes'.
    await quietFor(/\b(variants|stock_levels|pricing_rules)\b/);
    const catalogAndStockQueries = await countQueries(/\b(variants|stock_levels|pricing_rules)\b/, async () => {
      for (let i = 0; i < 5; i++) await quote(reader, plain.variantId).expect(200);
    });
    expect(catalogAndStockQueries).toBe(0);

    const stockQueries = await countQueries(/\bstock_levels\b/, async () => {
      for (let i = 0; i < 5; i++) await quote(reader, scarce.variantId).expect(200);
    });
    expect(stockQueries).toBe(5);
  });
});

/** Returns once this process has sent no statement matching `pattern` for a third of a second (at most 10 s). */
async function quietFor(pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await countQueries(pattern, () => sleep(300))) > 0) {
    if (Date.now() > deadline) throw new Error(`statements matching ${pattern} did not stop`);
  }
}

/** How many statements matching `pattern` this process sent to PostgreSQL while `work` ran. */
async function countQueries(pattern: RegExp, work: () => Promise<void>): Promise<number> {
  const spy = jest.spyOn(Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls.filter(([statement]) => {
      const text = typeof statement === 'string' ? statement : (statement as { text?: string } | undefined)?.text;
      return typeof text === 'string' && pattern.test(text);
    }).length;
  } finally {
    spy.mockRestore();
  }
}
