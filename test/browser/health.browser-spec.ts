import { randomUUID } from 'node:crypto';
import { Page } from 'playwright-core';
import { unique } from '../support/test-app';
import { ConsoleHarness, ConsolePage, startConsoleHarness, withScreenshotOnFailure } from './support/console';
import { unexpectedErrors } from './support/provoked-errors';

/**
 * bull-board's page asks Google Fonts for its typeface and the API's policy refuses it (the board
 * falls back to system fonts): a line of the board's, not of the console's.
 */
const BOARD_FONTS =
  /^Loading the stylesheet 'https:\/\/fonts\.googleapis\.com\/.* violates the following Content Security Policy/;

/** The Health screen: readiness, the stock audit, the queue board and the webhook deliveries that failed. */
describe('the console: health', () => {
  let h: ConsoleHarness;
  const subscriptions: string[] = [];

  beforeAll(async () => {
    // A receiver on a closed loopback port: the relay's retry fails at once and nothing leaves the machine.
    h = await startConsoleHarness({ WEBHOOKS_ALLOW_PRIVATE: 'true' });
  });

  afterAll(async () => {
    // Other test files' apps share the database: their relays must not send to these.
    for (const id of subscriptions) {
      await h?.t.http.delete(`/api/webhooks/${id}`).set('authorization', h.t.admin);
    }
    await h?.close();
  });

  /** A subscription with one delivery that failed for good, written as the relay leaves one. */
  async function newFailedDelivery({ active = true } = {}) {
    const url = `http://127.0.0.1:9/${unique('hook')}`;
    const { body: webhook } = await h.t.http
      .post('/api/webhooks')
      .set('authorization', h.t.admin)
      .send({ url, events: ['catalog.variant_changed'], active })
      .expect(201);
    subscriptions.push(webhook.id);
    const variantId = String(2_000_000_000 + Math.floor(Math.random() * 100_000_000));
    const [{ seq }]: { seq: string }[] = await h.t.dataSource.query(
      `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, dispatched_at)
       VALUES ($1, 'catalog.variant_changed', 'variant', $2, '{}', now()) RETURNING seq`,
      [randomUUID(), variantId],
    );
    const deliveryId = randomUUID();
    await h.t.dataSource.query(
      `INSERT INTO event_deliveries
         (id, event_seq, target, subscription_id, aggregate_key, status, attempts, last_attempt_at, last_status_code, last_error)
       VALUES ($1, $2, $3, $4, $5, 'FAILED', 8, now(), 500, 'the receiver answered 500')`,
      [deliveryId, seq, `webhook:${webhook.id}`, webhook.id, `variant:${variantId}`],
    );
    return { webhookId: webhook.id as string, url, deliveryId };
  }

  async function openHealth(tab: ConsolePage): Promise<void> {
    await tab.open('#/health');
    await tab.signIn(h.t.admin);
    await tab.page.getByRole('heading', { name: 'Health', level: 1 }).waitFor();
  }

  const failedDeliveries = (page: Page, url: string) =>
    page.getByRole('table', { name: `Failed deliveries to ${url}` });

  it('shows readiness up, the audit consistent, and a failed webhook delivery that Retry makes PENDING', async () => {
    const { url, deliveryId } = await newFailedDelivery();
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('shows health and retries a delivery', page, async () => {
      await openHealth(tab);

      await page.locator('#readiness-status', { hasText: /^ready$/ }).waitFor();
      const dependencies = page.getByRole('list', { name: 'Dependencies' }).getByRole('listitem');
      expect(await dependencies.allInnerTexts()).toEqual(['postgres up', 'redis up']);

      await page.locator('#audit-status', { hasText: /^consistent$/ }).waitFor();
      await page.getByText('No variant’s counters disagree with its ledger or its active reservations.').waitFor();
      await page.getByText('No reservation is held past its expiry.').waitFor();

      const subscription = page.getByRole('article', { name: url });
      await subscription.getByText(/^Events: catalog\.variant_changed$/).waitFor();
      await subscription.getByText('active', { exact: true }).waitFor();
      const row = failedDeliveries(page, url).getByRole('row', { name: 'catalog.variant_changed' });
      await row.waitFor();
      expect(await row.getByRole('cell').allInnerTexts()).toEqual([
        'FAILED',
        '8',
        '500',
        'the receiver answered 500',
        expect.any(String),
        'Retry',
      ]);

      await row.getByRole('button', { name: `Retry the catalog.variant_changed delivery ${deliveryId}` }).click();
      await row.getByText('PENDING', { exact: true }).waitFor();
      expect(await row.getByRole('button', { name: /^Retry/ }).count()).toBe(0);
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('shows the API’s 409 when a delivery of an inactive subscription is retried', async () => {
    const { url } = await newFailedDelivery({ active: false });
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('refuses to retry for an inactive subscription', page, async () => {
      await openHealth(tab);
      const subscription = page.getByRole('article', { name: url });
      await subscription.getByText('inactive', { exact: true }).waitFor();

      const row = failedDeliveries(page, url).getByRole('row', { name: 'catalog.variant_changed' });
      await row.getByRole('button', { name: /^Retry/ }).click();
      const problem = subscription.getByRole('alert').filter({ hasText: 'WEBHOOK_INACTIVE' });
      await problem.waitFor();
      expect(await problem.innerText()).toContain('409');
      expect(await row.getByText('FAILED', { exact: true }).count()).toBe(1);
      expect(unexpectedErrors(errors, 409)).toEqual([]);
    });
  });

  it('opens the queue board with a session of its own', async () => {
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('opens the queue board', page, async () => {
      await openHealth(tab);

      const board = page.waitForResponse((response) => new URL(response.url()).pathname === '/admin/queues');
      await page.getByRole('button', { name: 'Open the queue board' }).click();
      expect((await board).status()).toBe(200);
      await page.waitForURL(`${h.t.baseUrl}/admin/queues`);
      expect(await page.title()).toBe('Commerce queues');
      // The board's own calls to its API get in with the session cookie too.
      await page.getByText('reservations', { exact: true }).first().waitFor();
      expect(unexpectedErrors(errors).filter((error) => !BOARD_FONTS.test(error))).toEqual([]);
    });
  });
});
