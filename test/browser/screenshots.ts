import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemoData } from '../../src/cli/seed';
import { expectStatus } from '../support/api-client';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { startConsoleHarness } from './support/console';

/**
 * Takes the pictures of the console in docs/console.md (console/screenshots/*.png) from the demo data
 * on a database of its own: `npm run console:screenshots` after `npm run build`, with
 * PostgreSQL and Redis running. Rerun it when a screen changes its looks.
 */
const OUT = join(__dirname, '..', '..', 'console', 'screenshots');

async function main(): Promise<void> {
  await globalSetup();
  const h = await startConsoleHarness();
  try {
    const { variantId } = await seedDemoData(h.t.app);
    const api = h.t.client(h.t.admin);
    const shopper = h.t.client(h.t.customer('alice', 'GOLD'));
    // A hold behind "reserved", with its countdown, and a few ledger rows.
    await expectStatus(shopper.POST('/api/cart/items', { body: { variantId, quantity: 3 } }), 201);
    await expectStatus(
      shopper.POST('/api/cart/checkout', { params: { header: { 'Idempotency-Key': 'shot-1' } } }),
      201,
    );
    const { version } = await expectStatus(
      api.GET('/api/inventory/{variantId}', { params: { path: { variantId } } }),
      200,
    );
    await expectStatus(
      api.POST('/api/inventory/{variantId}/adjustments', {
        params: { path: { variantId }, header: { 'If-Match': `"${version}"`, 'Idempotency-Key': 'shot-2' } },
        body: { delta: 24, reason: 'RESTOCK', note: 'Pallet 118 from the warehouse' },
      }),
      201,
    );

    // A sale that has not started yet: the preview lists it as skipped, with the reason.
    const week = 7 * 24 * 3600 * 1000;
    await expectStatus(
      api.POST('/api/pricing/rules', {
        body: {
          name: 'Winter sale',
          kind: 'SCHEDULE',
          scope: { type: 'GLOBAL' },
          condition: {
            startsAt: new Date(Date.now() + week).toISOString(),
            endsAt: new Date(Date.now() + 2 * week).toISOString(),
          },
          effect: { type: 'PERCENT_OFF', value: '20' },
        },
      }),
      201,
    );

    mkdirSync(OUT, { recursive: true });
    const tab = await h.newPage({ width: 1280, height: 800 });
    await tab.open(`#/stock/${variantId}`);
    await tab.signIn(h.t.admin);
    await tab.page.getByRole('heading', { level: 1, name: /TSHIRT-BLK-M/ }).waitFor();
    await tab.page.getByRole('table', { name: 'Ledger' }).waitFor();
    await tab.page.getByRole('table', { name: 'Holds' }).waitFor();
    await tab.page.screenshot({ path: join(OUT, 'variant.png'), fullPage: true });

    await tab.open('#/pricing');
    const preview = tab.page.getByRole('form', { name: 'Price preview' });
    await preview.getByLabel('Variant id').fill(String(variantId));
    await preview.getByLabel('Quantity').fill('12');
    await preview.getByLabel('Tier').selectOption('GOLD');
    await preview.getByRole('button', { name: 'Preview' }).click();
    await tab.page.getByRole('region', { name: 'The previewed price' }).getByText(/× 12/).waitFor();
    await tab.page.screenshot({ path: join(OUT, 'pricing.png'), fullPage: true });
    if (tab.errors.length > 0) throw new Error(`the browser reported errors: ${tab.errors.join('\n')}`);
    console.log(`Screenshots written to ${OUT}`);
  } finally {
    await h.close();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
