import { newStockedVariant } from '../support/inventory.factory';
import { queuePrefix, unique } from '../support/test-app';
import { ConsoleHarness, startConsoleHarness, withScreenshotOnFailure } from './support/console';
import { unexpectedErrors } from './support/provoked-errors';

/** What the browser logs when a request finds nothing listening. */
const REFUSED = /^Failed to load resource: net::ERR_CONNECTION_REFUSED$/;

/**
 * The console when what it stands on is gone: Redis unreachable (nothing listens on port 1),
 * then the API itself stopped under an open tab.
 */
describe('the console: a dependency gone', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness({
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_PREFIX: queuePrefix('console-redis-down'),
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows readiness down naming Redis, while the stock, which lives in PostgreSQL, still answers', async () => {
    const sku = unique('REDIS-DOWN').toUpperCase();
    await newStockedVariant(h.t, { onHand: 6, sku });
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('readiness with Redis down', page, async () => {
      await tab.open('#/health');
      await tab.signIn(h.t.admin);

      await page.locator('#readiness-status', { hasText: /^not ready$/ }).waitFor();
      const dependencies = page.getByRole('list', { name: 'Dependencies' }).getByRole('listitem');
      const checks = await dependencies.allInnerTexts();
      expect(checks).toHaveLength(2);
      expect(checks[0]).toBe('postgres up');
      expect(checks[1]).toMatch(/^redis down\b/);
      await page.getByText('GET /health/ready answered 503.').waitFor();

      await tab.open('#/stock');
      await page.getByLabel('Search variants').fill(sku);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByRole('link', { name: sku, exact: true }).waitFor();
      expect(unexpectedErrors(errors, 503)).toEqual([]);
    });
  });

  it('says the API cannot be reached once it has stopped, instead of showing the last report', async () => {
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('the API stopped', page, async () => {
      await tab.open('#/health');
      await tab.signIn(h.t.admin);
      await page.locator('#readiness-status').waitFor();

      await h.stopApp();
      await page.getByRole('button', { name: 'Check again' }).click();

      const problem = page.getByRole('alert').filter({ hasText: 'UNREACHABLE' });
      await problem.waitFor();
      expect(await problem.locator('.problem-title').innerText()).toBe('The API could not be reached');
      expect(await page.locator('#readiness-status').count()).toBe(0);
      expect(unexpectedErrors(errors, 503).filter((error) => !REFUSED.test(error))).toEqual([]);
    });
  });
});
