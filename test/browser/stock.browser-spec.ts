import { Locator, Page } from 'playwright-core';
import { newProduct, newVariant } from '../support/catalog.factory';
import { ledgerOf, line, newStockedVariant, reserve, setStock } from '../support/inventory.factory';
import { unique } from '../support/test-app';
import { ConsoleHarness, ConsolePage, startConsoleHarness, withScreenshotOnFailure } from './support/console';
import { unexpectedErrors } from './support/provoked-errors';

/** A SKU no other test (nor another run of this one) uses; searchable by its prefix. */
const newSku = (prefix: string) => unique(prefix).toUpperCase();

/** The strong figure of the group the screen labels `name` ("On hand", "Version", ...). */
const figure = (page: Page, name: string): Locator => page.getByRole('group', { name, exact: true }).locator('strong');

/** Waits until the figure named `name` reads exactly `value`. */
async function figureIs(page: Page, name: string, value: string | number): Promise<void> {
  await figure(page, name)
    .filter({ hasText: new RegExp(`^${value}$`) })
    .waitFor();
}

const cellsOf = (row: Locator): Promise<string[]> =>
  row
    .getByRole('cell')
    .evaluateAll((cells) => cells.map((cell) => (cell as unknown as { innerText: string }).innerText.trim()));

/** The data rows of the table a heading names (the header row left out). */
const rowsOf = (page: Page, table: string): Locator =>
  page.getByRole('table', { name: table, exact: true }).locator('tbody tr');

describe('the console: stock', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A page signed in as the admin, at `hash`. */
  async function signedIn(hash: string, size?: { width: number; height: number }): Promise<ConsolePage> {
    const tab = await h.newPage(size);
    await tab.open(hash);
    await tab.signIn(h.t.admin);
    await tab.page.getByRole('navigation', { name: 'Sections' }).waitFor();
    return tab;
  }

  async function search(page: Page, term: string): Promise<void> {
    await page.getByLabel('Search variants').fill(term);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  it('finds a variant by SKU and by product name, with its figures and state, and opens it', async () => {
    const productName = unique('Storm lantern');
    const productId = await newProduct(h.t, { name: productName });
    const stocked = await newStockedVariant(h.t, { onHand: 10, productId, sku: newSku('LANTERN-RED') });
    const never = await newVariant(h.t, { productId, sku: newSku('LANTERN-BLUE') });
    await reserve(h.t, unique('shopper'), [line(stocked, 2)]);
    const { page, errors } = await signedIn('#/stock');
    await withScreenshotOnFailure('finds a variant by SKU and name', page, async () => {
      await page.getByRole('heading', { level: 1, name: 'Stock' }).waitFor();

      await search(page, stocked.sku.slice(0, -2));
      const results = rowsOf(page, `Variants matching “${stocked.sku.slice(0, -2)}”`);
      const row = results.filter({ has: page.getByRole('link', { name: stocked.sku, exact: true }) });
      await row.getByText('IN_STOCK').waitFor();
      expect(await cellsOf(row)).toEqual([stocked.sku, String(stocked.id), '10', '2', '8', 'IN_STOCK']);
      expect(await results.count()).toBe(1);

      await search(page, productName.toLowerCase());
      const byName = rowsOf(page, `Variants matching “${productName.toLowerCase()}”`);
      await byName.filter({ hasText: 'IN_STOCK' }).waitFor();
      await byName.filter({ hasText: 'not stocked' }).waitFor();
      expect(await byName.locator('td:first-child').allInnerTexts()).toEqual([stocked.sku, never.sku]);
      expect(await cellsOf(byName.nth(1))).toEqual([never.sku, String(never.id), 'not stocked']);

      const nothing = unique('no-such-thing');
      await search(page, nothing);
      await page.getByText(`No variant matches “${nothing}”.`).waitFor();
      // Added elsewhere meanwhile: the same search again asks the API again.
      const laterProduct = await newProduct(h.t, { name: nothing });
      const later = await newStockedVariant(h.t, { onHand: 1, productId: laterProduct, sku: newSku('LATER') });
      await search(page, nothing);
      await page.getByRole('link', { name: later.sku, exact: true }).waitFor();

      // Back to the name's results, then into the variant.
      await search(page, productName);
      await page.getByRole('link', { name: stocked.sku, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: stocked.sku }).waitFor();
      expect(new URL(page.url()).hash).toBe(`#/stock/${stocked.id}`);
      await figureIs(page, 'On hand', 10);
      await figureIs(page, 'Reserved', 2);
      await figureIs(page, 'Available', 8);
      expect(await figure(page, 'State').innerText()).toBe('IN_STOCK');

      // The browser's Back comes to the same results.
      await page.goBack();
      await rowsOf(page, `Variants matching “${productName}”`).filter({ hasText: 'not stocked' }).waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('adjusts the stock and shows the new figures and the new ledger row on top', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 10, sku: newSku('ADJUST') });
    const { page, errors } = await signedIn(`#/stock/${variant.id}`);
    await withScreenshotOnFailure('adjusts the stock', page, async () => {
      await page.getByRole('heading', { level: 1, name: variant.sku }).waitFor();
      await figureIs(page, 'On hand', 10);
      const adjust = page.getByRole('form', { name: 'Adjust' });

      // A zero delta: the API's message stands beside the field, and the field points at it.
      await adjust.getByLabel('Delta').fill('0');
      await adjust.getByRole('button', { name: 'Adjust' }).click();
      const message = adjust.locator('#adjust-delta-error');
      await message.waitFor();
      expect(await message.innerText()).toContain('delta');
      expect(await adjust.getByLabel('Delta').getAttribute('aria-describedby')).toBe('adjust-delta-error');
      expect(await adjust.getByLabel('Delta').getAttribute('aria-invalid')).toBe('true');

      // From the keyboard: a delta, a reason, a note, and Enter.
      await adjust.getByLabel('Delta').fill('5');
      await adjust.getByLabel('Reason').selectOption('RESTOCK');
      await adjust.getByLabel('Note (optional)').fill('Delivery 4711');
      await adjust.getByLabel('Note (optional)').press('Enter');
      await adjust.getByRole('status').getByText('RESTOCK +5 recorded: 15 on hand, 0 reserved.').waitFor();
      expect(await message.count()).toBe(0);
      await figureIs(page, 'On hand', 15);
      await figureIs(page, 'Available', 15);
      await figureIs(page, 'Version', 1);

      const ledger = rowsOf(page, 'Ledger');
      await ledger.first().getByRole('cell', { name: 'RESTOCK', exact: true }).waitFor();
      expect((await cellsOf(ledger.first())).slice(1)).toEqual([
        'RESTOCK',
        '+5',
        '0',
        '15',
        '0',
        '—',
        'admin-1',
        'Delivery 4711',
      ]);
      expect((await cellsOf(ledger.nth(1))).slice(1, 3)).toEqual(['COUNT', '+10']);
      expect(await ledger.count()).toBe(2);
      await page.getByRole('navigation', { name: 'Ledger pages' }).getByText('Page 1 of 1').waitFor();
      expect(unexpectedErrors(errors, 400)).toEqual([]);
    });
  });

  it('pages through the ledger, newest first', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 1, sku: newSku('LEDGER') });
    // Eleven COUNT movements in all: two pages of ten.
    for (let onHand = 2; onHand <= 11; onHand += 1) await setStock(h.t, variant.id, onHand);
    const { page, errors } = await signedIn(`#/stock/${variant.id}`);
    await withScreenshotOnFailure('pages through the ledger', page, async () => {
      const pager = page.getByRole('navigation', { name: 'Ledger pages' });
      await pager.getByText('Page 1 of 2').waitFor();
      const ledger = rowsOf(page, 'Ledger');
      expect(await ledger.count()).toBe(10);
      expect((await cellsOf(ledger.first()))[4]).toBe('11');
      expect(await pager.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

      await pager.getByRole('button', { name: 'Next' }).click();
      await pager.getByText('Page 2 of 2').waitFor();
      await ledger.first().getByRole('cell', { name: '+1', exact: true }).waitFor();
      expect(await ledger.count()).toBe(1);
      expect((await cellsOf(ledger.first()))[4]).toBe('1');
      expect(await pager.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

      await pager.getByRole('button', { name: 'Previous' }).click();
      await pager.getByText('Page 1 of 2').waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('shows a stale If-Match with the current figures, and retries the same change on the new version', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 10, sku: newSku('STALE') });
    const { page, errors } = await signedIn(`#/stock/${variant.id}`);
    await withScreenshotOnFailure('a stale If-Match', page, async () => {
      await figureIs(page, 'On hand', 10);
      await figureIs(page, 'Version', 0);

      // Someone else counts the shelf while the page shows 10.
      await h.t.http
        .put(`/api/inventory/${variant.id}`)
        .set('authorization', h.t.admin)
        .send({ onHand: 7 })
        .expect(200);

      const adjust = page.getByRole('form', { name: 'Adjust' });
      await adjust.getByLabel('Delta').fill('5');
      await adjust.getByLabel('Reason').selectOption('RESTOCK');
      await adjust.getByRole('button', { name: 'Adjust' }).click();

      const problem = adjust.getByRole('alert').filter({ hasText: 'PRECONDITION_FAILED' });
      await problem.waitFor();
      expect(await problem.innerText()).toContain('412');
      const now = adjust.locator('.stale-figures');
      expect(await now.innerText()).toContain('The stock now: 7 on hand, 0 reserved, 7 available, version 1.');
      await figureIs(page, 'On hand', 7);
      await figureIs(page, 'Version', 1);
      expect(await adjust.getByLabel('Delta').inputValue()).toBe('5');
      expect((await ledgerOf(h.t, variant.id)).map((row) => row.reason)).toEqual(['COUNT', 'COUNT']);

      await adjust.getByRole('button', { name: 'Retry with version 1' }).click();
      await adjust.getByRole('status').getByText('RESTOCK +5 recorded: 12 on hand, 0 reserved.').waitFor();
      expect(await problem.count()).toBe(0);
      await figureIs(page, 'On hand', 12);
      await figureIs(page, 'Version', 2);
      await adjust.getByRole('button', { name: 'Adjust', exact: true }).waitFor();

      const ledger = rowsOf(page, 'Ledger');
      await ledger.first().getByRole('cell', { name: 'RESTOCK', exact: true }).waitFor();
      expect((await cellsOf(ledger.first())).slice(1, 5)).toEqual(['RESTOCK', '+5', '0', '12']);
      const movements = await ledgerOf(h.t, variant.id);
      expect(movements.map((row) => [row.reason, row.delta])).toEqual([
        ['COUNT', 10],
        ['COUNT', -3],
        ['RESTOCK', 5],
      ]);
      expect(unexpectedErrors(errors, 412)).toEqual([]);
    });
  });

  it('shows the API’s 503 and when to retry while another session holds the stock row, and the change goes through once it is free', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 10, sku: newSku('LOCKED') });
    const { page, errors } = await signedIn(`#/stock/${variant.id}`);
    await withScreenshotOnFailure('a locked stock row', page, async () => {
      await figureIs(page, 'On hand', 10);
      const adjust = page.getByRole('form', { name: 'Adjust' });
      await adjust.getByLabel('Delta').fill('5');
      await adjust.getByLabel('Reason').selectOption('RESTOCK');

      // A stocktake tool (another session) holds the row longer than the API's lock timeout.
      const holder = h.t.dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query('SELECT 1 FROM stock_levels WHERE variant_id = $1 FOR UPDATE', [variant.id]);
        await adjust.getByRole('button', { name: 'Adjust' }).click();
        const problem = adjust.getByRole('alert').filter({ hasText: 'SERVICE_UNAVAILABLE' });
        await problem.waitFor();
        expect(await problem.locator('.problem-title').innerText()).toBe('The service is unavailable');
        expect(await problem.innerText()).toContain('503');
        expect(await problem.locator('.problem-retry').innerText()).toMatch(
          /^The API expects a retry to work in \d+ s\.$/,
        );
        expect(await adjust.getByLabel('Delta').inputValue()).toBe('5');
      } finally {
        await holder.rollbackTransaction().catch(() => undefined);
        await holder.release();
      }
      expect((await ledgerOf(h.t, variant.id)).map((row) => row.reason)).toEqual(['COUNT']);

      await adjust.getByRole('button', { name: 'Adjust' }).click();
      await adjust.getByRole('status').getByText('RESTOCK +5 recorded: 15 on hand, 0 reserved.').waitFor();
      expect(await adjust.getByRole('alert').count()).toBe(0);
      await figureIs(page, 'On hand', 15);
      expect((await ledgerOf(h.t, variant.id)).map((row) => [row.reason, row.delta])).toEqual([
        ['COUNT', 10],
        ['RESTOCK', 5],
      ]);
      expect(unexpectedErrors(errors, 503)).toEqual([]);
    });
  });

  it('shows a stale If-Match on a count too, and the count retried on the new version', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 10, sku: newSku('STALE-COUNT') });
    const { page, errors } = await signedIn(`#/stock/${variant.id}`);
    await withScreenshotOnFailure('a stale If-Match on a count', page, async () => {
      await figureIs(page, 'Version', 0);
      await h.t.http
        .post(`/api/inventory/${variant.id}/adjustments`)
        .set('authorization', h.t.admin)
        .set('idempotency-key', unique('key'))
        .send({ delta: 2, reason: 'RETURN' })
        .expect(201);

      const count = page.getByRole('form', { name: 'Set on hand' });
      await count.getByLabel('Counted on hand').fill('9');
      await count.getByRole('button', { name: 'Set on hand' }).click();
      await count.getByRole('alert').filter({ hasText: 'PRECONDITION_FAILED' }).waitFor();
      expect(await count.locator('.stale-figures').innerText()).toContain('12 on hand');
      await figureIs(page, 'On hand', 12);

      await count.getByRole('button', { name: 'Retry with version 1' }).click();
      await count.getByRole('status').getByText('On hand set to 9 (version 2).').waitFor();
      await figureIs(page, 'On hand', 9);
      expect((await ledgerOf(h.t, variant.id)).map((row) => [row.reason, row.delta])).toEqual([
        ['COUNT', 10],
        ['RETURN', 2],
        ['COUNT', -3],
      ]);
      expect(unexpectedErrors(errors, 412)).toEqual([]);
    });
  });

  it('lists the holds behind "reserved", each with a countdown to its expiry', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 10, sku: newSku('HELD') });
    const owner = unique('holder');
    const reservation = await reserve(h.t, owner, [line(variant, 3)]);
    const { page, errors } = await signedIn(`#/stock/${variant.id}`);
    await withScreenshotOnFailure('lists the holds', page, async () => {
      await figureIs(page, 'Reserved', 3);
      await figureIs(page, 'Available', 7);
      const holds = rowsOf(page, 'Holds');
      await holds.first().waitFor();
      expect(await holds.count()).toBe(1);
      const link = holds.first().getByRole('link', { name: reservation.id });
      expect(await link.getAttribute('href')).toBe(`#/reservations/${reservation.id}`);
      const [, quantity, customer, expires] = await cellsOf(holds.first());
      expect([quantity, customer]).toEqual(['3', owner]);
      expect(expires).toMatch(/^in \d+:\d\d$/);

      // It ticks, down to the instant the reservation expires.
      const countdown = holds.first().getByRole('cell').nth(3).locator('time');
      await countdown.filter({ hasNotText: expires }).waitFor();
      expect(await countdown.innerText()).toMatch(/^in \d+:\d\d$/);
      const due = new Date((await countdown.getAttribute('datetime')) ?? '').getTime();
      expect(Math.abs(due - reservation.expiresAt.getTime())).toBeLessThan(1000);
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('lists a variant driven to 0 as out of stock and one driven low as low stock', async () => {
    const sold = await newStockedVariant(h.t, { onHand: 4, sku: newSku('SOLD-OUT') });
    const low = await newStockedVariant(h.t, { onHand: 20, sku: newSku('LOW') });
    await setStock(h.t, low.id, 1);
    const { page, errors } = await signedIn(`#/stock/${sold.id}`);
    await withScreenshotOnFailure('lists out of stock and low stock', page, async () => {
      const count = page.getByRole('form', { name: 'Set on hand' });
      await figureIs(page, 'On hand', 4);
      await count.getByLabel('Counted on hand').fill('0');
      await count.getByRole('button', { name: 'Set on hand' }).click();
      await figureIs(page, 'State', 'OUT_OF_STOCK');

      await page.getByRole('link', { name: '← Stock' }).click();
      await page.getByRole('heading', { level: 1, name: 'Stock' }).waitFor();
      await findInList(page, 'Out of stock', sold.sku);
      await findInList(page, 'Low stock', low.sku);
      const lowRow = rowsOf(page, 'Low stock').filter({ has: page.getByRole('link', { name: low.sku }) });
      expect(await cellsOf(lowRow)).toEqual([low.sku, '1', '1', '0', 'default']);
      expect(await rowsOf(page, 'Low stock').filter({ hasText: sold.sku }).count()).toBe(0);

      await page
        .getByRole('region', { name: 'Out of stock', exact: true })
        .getByRole('link', { name: sold.sku, exact: true })
        .click();
      await page.getByRole('heading', { level: 1, name: sold.sku }).waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('fits a 400 px wide window without scrolling the page sideways', async () => {
    const variant = await newStockedVariant(h.t, { onHand: 10, sku: newSku('NARROW-WINDOW-WITH-A-LONG-SKU') });
    await reserve(h.t, unique('narrow'), [line(variant, 1)]);
    const { page, errors } = await signedIn(`#/stock/${variant.id}`, { width: 400, height: 800 });
    await withScreenshotOnFailure('fits a narrow window', page, async () => {
      await figureIs(page, 'Reserved', 1);
      await rowsOf(page, 'Holds').first().waitFor();
      await rowsOf(page, 'Ledger').nth(1).waitFor();
      const fits = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
      expect(await fits()).toBe(true);
      // The wide tables scroll inside their own frame.
      const ledgerFrame = page.locator('.table-wrap', { has: page.getByRole('table', { name: 'Ledger' }) });
      expect(await ledgerFrame.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);

      await page.getByRole('link', { name: '← Stock' }).click();
      await search(page, variant.sku);
      await rowsOf(page, `Variants matching “${variant.sku}”`).getByText('IN_STOCK').waitFor();
      expect(await fits()).toBe(true);
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });
});

/**
 * Waits for `sku` in a restock list, paging on: the run's database is shared with the other
 * browser files, whose variants may come first.
 */
async function findInList(page: Page, list: string, sku: string): Promise<void> {
  const section = page.getByRole('region', { name: list, exact: true });
  const link = section.getByRole('link', { name: sku, exact: true });
  for (let pageNumber = 1; ; pageNumber += 1) {
    try {
      await link.waitFor({ timeout: 3000 });
      return;
    } catch (error) {
      const next = section.getByRole('button', { name: 'Next' });
      if ((await next.count()) === 0 || (await next.isDisabled())) throw error;
      await next.click();
      await section.getByText(`Page ${pageNumber + 1} of`).waitFor();
    }
  }
}
