import { Page } from 'playwright-core';
import { newCatalog } from '../support/catalog.factory';
import { createRule, ruleBody } from '../support/pricing.factory';
import { unique } from '../support/test-app';
import { ConsoleHarness, ConsolePage, startConsoleHarness, withScreenshotOnFailure } from './support/console';
import { unexpectedErrors } from './support/provoked-errors';

/** The Pricing screen: the rules, their form, and the explained price preview. */
describe('the console: pricing', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function openPricing(tab: ConsolePage): Promise<void> {
    await tab.open('#/pricing');
    await tab.signIn(h.t.admin);
    await tab.page.getByRole('heading', { name: 'Pricing', level: 1 }).waitFor();
  }

  /** Narrows the table to the rules of one product, so that a test sees its own rows only. */
  async function showRulesOfProduct(page: Page, productId: number): Promise<void> {
    const filters = page.getByRole('form', { name: 'Filter the rules' });
    await filters.getByLabel('Scope type').selectOption('PRODUCT');
    await filters.getByLabel('Scope id').fill(String(productId));
    await filters.getByRole('button', { name: 'Apply filters' }).click();
  }

  const ruleRow = (page: Page, name: string) =>
    page.getByRole('table', { name: 'Pricing rules' }).getByRole('row', { name });

  async function previewPrice(page: Page, variantId: number, quantity: number, moment = ''): Promise<void> {
    const form = page.getByRole('form', { name: 'Price preview' });
    await form.getByLabel('Variant id').fill(String(variantId));
    await form.getByLabel('Quantity').fill(String(quantity));
    await form.getByLabel('Moment').fill(moment);
    await form.getByRole('button', { name: 'Preview' }).click();
    // The answer names what it priced, so that a test waits for this preview and not the one before.
    const priced = new RegExp(`× ${quantity}, tier \\w+, ${moment ? 'at ' : 'now$'}`);
    await page.getByRole('region', { name: 'The previewed price' }).getByText(priced).waitFor();
  }

  const unitPrice = (page: Page) => page.locator('#preview-unit-price').innerText();

  it('creates a rule in the form, and the preview applies it from its quantity and explains it below', async () => {
    const { productId, variantId } = await newCatalog(h.t);
    const name = unique('Five or more');
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('creates a rule and previews it', page, async () => {
      await openPricing(tab);

      const form = page.getByRole('form', { name: 'New rule' });
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Kind', { exact: true }).selectOption('QUANTITY');
      await form.getByLabel('Scope type').selectOption('PRODUCT');
      await form.getByLabel('Scope id').fill(String(productId));
      await form.getByLabel('From this many units a line').fill('5');
      await form.getByLabel('Effect type').selectOption('PERCENT_OFF');
      await form.getByLabel('Effect value').fill('10');
      await form.getByRole('button', { name: 'Create rule' }).click();
      await page.getByRole('status').filter({ hasText: `Created rule` }).filter({ hasText: name }).waitFor();

      await showRulesOfProduct(page, productId);
      const row = ruleRow(page, name);
      await row.waitFor();
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells.slice(0, 7)).toEqual([
        'QUANTITY',
        `PRODUCT ${productId}`,
        'from 5 units',
        '10.00 % off',
        '0',
        'yes',
        'active',
      ]);

      await previewPrice(page, variantId, 5);
      expect(await page.locator('#preview-base-price').innerText()).toBe('550.00 USD');
      expect(await unitPrice(page)).toBe('495.00 USD');
      expect(await page.locator('#preview-total').innerText()).toBe('2475.00 USD');
      expect(await page.locator('#preview-savings').innerText()).toBe('275.00 USD');
      const applied = page.getByRole('table', { name: 'Applied rules' }).getByRole('row', { name });
      expect(await applied.innerText()).toContain('550.00 → 495.00');

      await previewPrice(page, variantId, 4);
      expect(await unitPrice(page)).toBe('550.00 USD');
      await page.getByText('No rule applied: the unit price is the base price.').waitFor();
      const considered = await page
        .getByRole('table', { name: 'Considered rules' })
        .getByRole('row', { name })
        .getByRole('cell')
        .allInnerTexts();
      expect(considered).toEqual(['QUANTITY', 'SKIPPED', 'CONDITION_NOT_MET', expect.stringContaining('quantity 4')]);
      expect(considered[3]).toContain('below 5');
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('shows the API’s field errors next to the fields of an invalid rule, and creates nothing', async () => {
    const { productId } = await newCatalog(h.t);
    const name = unique('Invalid');
    const body = ruleBody(
      { type: 'PRODUCT', id: productId },
      { name, condition: { minQuantity: 0 }, effect: { type: 'PERCENT_OFF', value: '200' } },
    );
    // What the API itself says about each layer of the rule: its fields first, then how they fit together.
    const fieldMessage = async (rule: Record<string, unknown>, field: string) => {
      const { body: problem } = await h.t.http
        .post('/api/pricing/rules')
        .set('authorization', h.t.admin)
        .send(rule)
        .expect(400);
      return (problem.errors as { field: string; message: string }[]).find((error) => error.field === field)?.message;
    };
    const minQuantityMessage = await fieldMessage(body, 'condition.minQuantity');
    const effectMessage = await fieldMessage({ ...body, condition: { minQuantity: 5 } }, 'effect.value');
    expect(minQuantityMessage).toBeDefined();
    expect(effectMessage).toBeDefined();

    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('shows the field errors of an invalid rule', page, async () => {
      await openPricing(tab);
      const form = page.getByRole('form', { name: 'New rule' });
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Scope id').fill(String(productId));
      const minQuantity = form.getByLabel('From this many units a line');
      const effectValue = form.getByLabel('Effect value');
      await minQuantity.fill('0');
      await effectValue.fill('200');
      await form.getByRole('button', { name: 'Create rule' }).click();

      const minQuantityError = page.locator('#rule-condition-minQuantity-error');
      await minQuantityError.waitFor();
      expect(await minQuantityError.innerText()).toBe(minQuantityMessage);
      expect(await minQuantity.getAttribute('aria-describedby')).toBe('rule-condition-minQuantity-error');
      expect(await minQuantity.getAttribute('aria-invalid')).toBe('true');
      expect(await effectValue.getAttribute('aria-describedby')).toBeNull();

      await minQuantity.fill('5');
      await form.getByRole('button', { name: 'Create rule' }).click();
      const effectError = page.locator('#rule-effect-value-error');
      await effectError.waitFor();
      expect(await effectError.innerText()).toBe(effectMessage);
      expect(await effectValue.getAttribute('aria-describedby')).toBe('rule-effect-value-error');
      expect(await minQuantityError.count()).toBe(0);

      const { body: rules } = await h.t.http
        .get(`/api/pricing/rules?scopeType=PRODUCT&scopeId=${productId}`)
        .set('authorization', h.t.admin)
        .expect(200);
      expect(rules.total).toBe(0);
      expect(unexpectedErrors(errors, 400)).toEqual([]);
    });
  });

  it('deactivates a rule: the table shows it inactive and the API keeps it', async () => {
    const { productId } = await newCatalog(h.t);
    const rule = await createRule(h.t, ruleBody({ type: 'PRODUCT', id: productId }, { name: unique('Retired') }));
    const name = rule.name as string;
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('deactivates a rule', page, async () => {
      await openPricing(tab);
      await showRulesOfProduct(page, productId);
      const row = ruleRow(page, name);
      await row.getByText('active', { exact: true }).waitFor();

      await row.getByRole('button', { name: `Deactivate ${name}` }).click();
      await row.getByText('inactive', { exact: true }).waitFor();
      expect(await row.getByRole('button', { name: `Deactivate ${name}` }).count()).toBe(0);
      const { body } = await h.t.http.get(`/api/pricing/rules/${rule.id}`).set('authorization', h.t.admin).expect(200);
      expect(body.active).toBe(false);
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('asks the API again when the same filters are applied again, and shows a rule added elsewhere meanwhile', async () => {
    const { productId } = await newCatalog(h.t);
    const scope = { type: 'PRODUCT', id: productId };
    const first = (await createRule(h.t, ruleBody(scope, { name: unique('Morning') }))).name as string;
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('applies the same filters again', page, async () => {
      await openPricing(tab);
      await showRulesOfProduct(page, productId);
      await ruleRow(page, first).waitFor();

      // A colleague adds a rule through the API while this table is open.
      const second = (await createRule(h.t, ruleBody(scope, { name: unique('Afternoon') }))).name as string;
      await page.getByRole('form', { name: 'Filter the rules' }).getByRole('button', { name: 'Apply filters' }).click();
      await ruleRow(page, second).waitFor();
      await ruleRow(page, first).waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('edits a rule in the same form, filled in', async () => {
    const { productId } = await newCatalog(h.t);
    const rule = await createRule(
      h.t,
      ruleBody({ type: 'PRODUCT', id: productId }, { name: unique('Editable'), condition: { minQuantity: 3 } }),
    );
    const name = rule.name as string;
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('edits a rule', page, async () => {
      await openPricing(tab);
      await showRulesOfProduct(page, productId);
      await ruleRow(page, name)
        .getByRole('button', { name: `Edit ${name}` })
        .click();

      const form = page.getByRole('form', { name: `Edit rule #${rule.id}` });
      const nameInput = form.getByLabel('Name', { exact: true });
      expect(await nameInput.inputValue()).toBe(name);
      expect(await page.locator('#rule-name:focus').count()).toBe(1);
      expect(await form.getByLabel('Scope id').inputValue()).toBe(String(productId));
      expect(await form.getByLabel('From this many units a line').inputValue()).toBe('3');
      expect(await form.getByLabel('Effect value').inputValue()).toBe('10.00');
      await form.getByLabel('Effect value').fill('20');
      await form.getByRole('button', { name: 'Save changes' }).click();

      await page
        .getByRole('status')
        .filter({ hasText: `Saved rule #${rule.id}` })
        .waitFor();
      await ruleRow(page, name).getByText('20.00 % off').waitFor();
      await page.getByRole('form', { name: 'New rule' }).waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('previews a scheduled sale at a moment inside its window, and explains why it does not apply now', async () => {
    const { productId, variantId } = await newCatalog(h.t);
    const sale = await createRule(
      h.t,
      ruleBody(
        { type: 'PRODUCT', id: productId },
        {
          name: unique('Future sale'),
          kind: 'SCHEDULE',
          condition: { startsAt: '2099-11-27T00:00:00Z', endsAt: '2099-11-30T00:00:00Z' },
          effect: { type: 'PERCENT_OFF', value: '20' },
        },
      ),
    );
    const name = sale.name as string;
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('previews a scheduled sale', page, async () => {
      await openPricing(tab);

      // Midday in the browser's time zone is inside the window wherever the test runs.
      await previewPrice(page, variantId, 2, '2099-11-28T12:00');
      expect(await unitPrice(page)).toBe('440.00 USD');
      await page.getByRole('table', { name: 'Applied rules' }).getByRole('row', { name }).waitFor();

      await previewPrice(page, variantId, 2);
      expect(await unitPrice(page)).toBe('550.00 USD');
      const considered = page.getByRole('table', { name: 'Considered rules' }).getByRole('row', { name });
      expect(await considered.innerText()).toContain('OUT_OF_WINDOW');
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('fits a 400 px wide window: no horizontal scrolling of the page, tables scroll in their box', async () => {
    const { productId, variantId } = await newCatalog(h.t);
    await createRule(h.t, ruleBody({ type: 'PRODUCT', id: productId }, { name: unique('Narrow') }));
    const tab = await h.newPage({ width: 400, height: 800 });
    const { page, errors } = tab;
    await withScreenshotOnFailure('fits a narrow window', page, async () => {
      await openPricing(tab);
      await showRulesOfProduct(page, productId);
      await page.getByRole('table', { name: 'Pricing rules' }).waitFor();
      await previewPrice(page, variantId, 1);
      await page.getByRole('table', { name: 'Considered rules' }).waitFor();

      const overflow = await page.evaluate(() => {
        type Box = { scrollWidth: number; clientWidth: number };
        const { document } = globalThis as unknown as { document: { documentElement: Box; body: Box } };
        const excess = (box: Box) => box.scrollWidth - box.clientWidth;
        return { page: excess(document.documentElement), body: excess(document.body) };
      });
      expect(overflow).toEqual({ page: 0, body: 0 });
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });
});
