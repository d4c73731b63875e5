import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { ListeningTestApp, startListeningTestApp } from '../../support/api-client';
import { createIsolatedDatabase } from '../../support/test-database';

const ROOT = join(__dirname, '..', '..', '..');
const CONSOLE_DIR = join(ROOT, 'dist', 'console');
/** Debian's chromium; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where a failing test leaves its screenshot. */
export const FAILURE_SCREENSHOTS = process.env.BROWSER_SCREENSHOTS ?? join(tmpdir(), 'commerce-browser-failures');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The console as `npm run build` leaves it; built here when a test runs from a clone not yet built. */
export function ensureConsoleBuilt(): string {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    execFileSync('npm', ['run', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
  }
  return CONSOLE_DIR;
}

export interface ConsoleHarness {
  t: ListeningTestApp;
  context: BrowserContext;
  /** A new page (a tab) whose console errors and uncaught exceptions are collected. */
  newPage(options?: { width?: number; height?: number }): Promise<ConsolePage>;
  /** Stops the app under the open pages, as a crash or a deploy would; close() then leaves it be. */
  stopApp(): Promise<void>;
  close(): Promise<void>;
}

export interface ConsolePage {
  page: Page;
  /** Errors the browser's console reported; every test expects none. */
  errors: string[];
  /** Opens the console at /admin/, optionally at a screen (`#/stock`). */
  open(hash?: string): Promise<void>;
  /** Signs in with the bearer token (t.admin or t.customer(...)). */
  signIn(authorization: string): Promise<void>;
}

/**
 * The real app listening on loopback with the built console, and Debian's chromium driven by
 * playwright-core with a fresh profile. The app has a database of its own (dropped on close):
 * the console's screens list what the whole shop holds (out-of-stock variants, every rule),
 * and browser test files run side by side would otherwise see, and lose, each other's rows.
 */
export async function startConsoleHarness(overrides: Record<string, string> = {}): Promise<ConsoleHarness> {
  const database = await createIsolatedDatabase('console');
  let t: ListeningTestApp;
  try {
    t = await startListeningTestApp({ CONSOLE_DIR: ensureConsoleBuilt(), ...database.env, ...overrides });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const profile = mkdtempSync(join(tmpdir(), 'commerce-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
  } catch (error) {
    await t.close();
    await database.drop();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  let appStopped: Promise<void> | undefined;
  const stopApp = () => (appStopped ??= t.close());
  return {
    t,
    context,
    stopApp,
    newPage: async ({ width = 1280, height = 900 } = {}) => {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      return {
        page,
        errors,
        open: async (hash = '') => {
          await page.goto(`${t.baseUrl}/admin/${hash}`);
        },
        signIn: async (authorization: string) => {
          await page.getByLabel('Admin token').fill(authorization.replace(/^Bearer /, ''));
          await page.getByRole('button', { name: 'Sign in' }).click();
        },
      };
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await stopApp();
      await database.drop();
    },
  };
}

/**
 * A browser test: on failure it saves a screenshot of `page` (named after the test) in
 * FAILURE_SCREENSHOTS before the failure is reported.
 */
export async function withScreenshotOnFailure(name: string, page: Page, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    mkdirSync(FAILURE_SCREENSHOTS, { recursive: true });
    const file = join(FAILURE_SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`Screenshot of the failure: ${file}`);
    throw error;
  }
}
