import { randomUUID } from 'node:crypto';
import { Page } from 'playwright-core';
import { line, newStockedVariant, reserve, stockOf } from '../support/inventory.factory';
import { unique } from '../support/test-app';
import { ConsoleHarness, ConsolePage, startConsoleHarness, withScreenshotOnFailure } from './support/console';
import { unexpectedErrors } from './support/provoked-errors';

/** The Reservations screen: one reservation, its lines, and confirm, cancel and extend. */
describe('the console: reservations', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Ten units of a new variant, three of them held by a new ACTIVE reservation at 12.50. */
  async function newReservation() {
    const variant = await newStockedVariant(h.t, { onHand: 10 });
    const reservation = await reserve(h.t, unique('owner'), [line(variant, 3, '12.50')]);
    return { variant, reservation };
  }

  async function openReservations(tab: ConsolePage, id?: string): Promise<void> {
    await tab.open(id ? `#/reservations/${id}` : '#/reservations');
    await tab.signIn(h.t.admin);
    await tab.page.getByRole('heading', { name: 'Reservations', level: 1 }).waitFor();
  }

  const status = (page: Page) => page.locator('#reservation-status');
  const expiresAt = async (page: Page) =>
    new Date((await page.locator('#reservation-expires-at').getAttribute('datetime')) ?? NaN).getTime();
  const waitForStatus = (page: Page, value: string) =>
    page.locator('#reservation-status', { hasText: new RegExp(`^${value}$`) }).waitFor();

  it('looks a reservation up by its id, cancels it, and its stock comes back', async () => {
    const { variant, reservation } = await newReservation();
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('cancels a reservation', page, async () => {
      await openReservations(tab);
      await page.getByLabel('Reservation id').fill(reservation.id);
      await page.getByRole('button', { name: 'Look up' }).click();

      await waitForStatus(page, 'ACTIVE');
      expect(new URL(page.url()).hash).toBe(`#/reservations/${reservation.id}`);
      expect(await page.locator('#reservation-total').innerText()).toBe('37.50 USD');
      const item = page.getByRole('row', { name: variant.sku });
      expect(await item.getByRole('cell').allInnerTexts()).toEqual([variant.sku, '3', '12.50 USD', '37.50 USD']);
      expect(await item.getByRole('link', { name: variant.sku }).getAttribute('href')).toBe(`#/stock/${variant.id}`);
      await page.getByText(/— in [45]:\d\d/).waitFor();
      expect(await stockOf(h.t, variant.id)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });

      await page.getByRole('button', { name: 'Cancel', exact: true }).click();

      await waitForStatus(page, 'CANCELLED');
      await page.getByRole('status').filter({ hasText: 'Cancelled: the reservation is CANCELLED.' }).waitFor();
      expect(await page.locator('.countdown').count()).toBe(0);
      expect(await stockOf(h.t, variant.id)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
      expect(unexpectedErrors(errors)).toEqual([]);
    });
  });

  it('extends a reservation: its expiry moves, up to the hold limit, then the API’s 409 shows', async () => {
    const { reservation } = await newReservation();
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('extends a reservation', page, async () => {
      await openReservations(tab, reservation.id);
      await waitForStatus(page, 'ACTIVE');
      const before = await expiresAt(page);
      const latest = new Date(
        (await page.locator('#reservation-max-expires-at').getAttribute('datetime')) ?? NaN,
      ).getTime();
      expect(await page.locator('#reservation-extended-count').innerText()).toBe('0 times');

      await page.getByLabel('Seconds').fill('600');
      await page.getByRole('button', { name: 'Extend', exact: true }).click();
      await page.locator('#reservation-extended-count', { hasText: '1 time' }).waitFor();
      const extended = await expiresAt(page);
      // Ten minutes from now instead of five from the reservation's creation.
      expect(extended - before).toBeGreaterThan(250_000);
      expect(extended).toBeLessThanOrEqual(latest);
      await page.getByRole('status').filter({ hasText: 'Extended: the reservation is ACTIVE.' }).waitFor();

      await page.getByLabel('Seconds').fill('86400');
      await page.getByRole('button', { name: 'Extend', exact: true }).click();
      await page.locator('#reservation-extended-count', { hasText: '2 times' }).waitFor();
      expect(await expiresAt(page)).toBe(latest);

      await page.getByRole('button', { name: 'Extend', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'HOLD_LIMIT_REACHED' }).waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('409');
      expect(await page.locator('#reservation-extended-count').innerText()).toBe('2 times');
      expect(unexpectedErrors(errors, 409)).toEqual([]);
    });
  });

  it('confirms a reservation: its stock is sold, and a cancel afterwards shows the API’s 409', async () => {
    const { variant, reservation } = await newReservation();
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('confirms a reservation', page, async () => {
      await openReservations(tab, reservation.id);
      await waitForStatus(page, 'ACTIVE');

      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      await waitForStatus(page, 'CONFIRMED');
      expect(await stockOf(h.t, variant.id)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });

      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'RESERVATION_NOT_ACTIVE' }).waitFor();
      expect(await status(page).innerText()).toBe('CONFIRMED');
      expect(await stockOf(h.t, variant.id)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
      expect(unexpectedErrors(errors, 409)).toEqual([]);
    });
  });

  it('shows the API’s 404 for a reservation that does not exist', async () => {
    const tab = await h.newPage();
    const { page, errors } = tab;
    await withScreenshotOnFailure('shows a 404 reservation', page, async () => {
      await openReservations(tab, randomUUID());
      const problem = page.getByRole('alert').filter({ hasText: 'NOT_FOUND' });
      await problem.waitFor();
      expect(await problem.innerText()).toContain('404');
      expect(await page.locator('#reservation-status').count()).toBe(0);
      expect(unexpectedErrors(errors, 404)).toEqual([]);
    });
  });
});
