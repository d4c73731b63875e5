import { TokenService } from '../../src/shared/auth';
import { ConsoleHarness, startConsoleHarness, withScreenshotOnFailure } from './support/console';
import { unexpectedErrors } from './support/provoked-errors';

describe('the console: signing in', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('signs an admin in and keeps the token for the tab only', async () => {
    const { page, errors, open, signIn } = await h.newPage();
    await withScreenshotOnFailure('signs an admin in', page, async () => {
      await open();
      await signIn(h.t.admin);

      await page.getByRole('navigation', { name: 'Sections' }).waitFor();
      expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual(['commerce-console-token']);
      expect(await page.evaluate('Object.keys(localStorage)')).toEqual([]);
      await page.reload();
      await page.getByRole('navigation', { name: 'Sections' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Admin token').waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(errors).toEqual([]);
    });
  });

  it('tells a customer token it is not an admin’s, and does not keep it', async () => {
    const { page, errors, open, signIn } = await h.newPage();
    await withScreenshotOnFailure('refuses a customer token', page, async () => {
      await open();
      await signIn(h.t.customer('shopper'));

      await page.getByRole('alert').getByText('This token is not an admin’s').waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0);
      // The 403 the check answered is logged by the browser as a failed request: nothing else.
      expect(errors.filter((error) => !error.includes('403'))).toEqual([]);
    });
  });

  it('sends a tab whose token expires back to sign-in, says why, and returns to the screen it was on', async () => {
    const shortLived = h.t.app.get(TokenService).issue({ sub: 'ops-shift', admin: true, expiresInSeconds: 2 });
    const { page, errors, open, signIn } = await h.newPage();
    await withScreenshotOnFailure('a token that expires', page, async () => {
      await open('#/pricing');
      await signIn(shortLived);
      await page.getByRole('heading', { name: 'Pricing', level: 1 }).waitFor();

      // A JWT's expiry counts in whole seconds: past it, the next call is refused.
      await page.waitForTimeout(3_100);
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Health' }).click();

      await page
        .getByRole('status')
        .getByText(/^Your session ended: the API no longer accepts the token/)
        .waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0);
      await signIn(h.t.admin);
      await page.getByRole('heading', { name: 'Health', level: 1 }).waitFor();
      expect(unexpectedErrors(errors, 401)).toEqual([]);
    });
  });

  it('is served with a policy that allows its own files only', async () => {
    const response = await fetch(`${h.t.baseUrl}/admin/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain(`script-src 'self'`);
    expect(policy).toContain(`style-src 'self';`);
    expect(policy).not.toContain('unsafe-inline');
    // The queue board keeps its own route under /admin.
    expect((await fetch(`${h.t.baseUrl}/admin/queues`)).status).toBe(401);
  });
});
