import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliIn, CliBuild, compileInto, root } from '../support/cli';
import { freshDatabase } from '../support/test-database';
import { startTestApp } from '../support/test-app';

// The container image's layout: the compiled dist/ and production dependencies only, no
// TypeScript, ts-node or Nest CLI. Migrations, seed and token must work from it alone.

describe('commerce in a production layout', () => {
  const database = freshDatabase('cli_production');
  const secret = 'a-production-secret-of-at-least-32-chars';
  const env = { NODE_ENV: 'production', JWT_SECRET: secret, DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
  let directory: string;
  let cli: CliBuild;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'commerce-production-'));
    compileInto(directory);
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(directory, file));
    const install = spawnSync(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      {
        cwd: directory,
        encoding: 'utf8',
        timeout: 280_000,
      },
    );
    if (install.status !== 0) throw new Error(`npm ci --omit=dev failed: ${install.stderr}`);
    // npm installs TypeScript and ts-node as peers of production packages (typeorm, valibot,
    // cosmiconfig); removed here, they prove that no command leans on them.
    for (const peer of ['ts-node', 'typescript']) rmSync(join(directory, 'node_modules', peer), { recursive: true });
    cli = cliIn(directory);
  }, 300_000);

  afterAll(async () => {
    await database.drop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('has no development tools to lean on', () => {
    for (const tool of ['@nestjs/cli', '@nestjs/testing', 'jest', 'ts-jest']) {
      expect([tool, existsSync(join(directory, 'node_modules', tool))]).toEqual([tool, false]);
    }
    expect(existsSync(join(directory, 'src'))).toBe(false);
  });

  it('migrates a database that does not exist, seeds it twice and mints a token the app accepts', async () => {
    const migrate = cli.run(['migrate:run'], env);
    const show = cli.run(['migrate:show'], env);
    const seed = cli.run(['seed'], env);
    const again = cli.run(['seed'], env);
    const token = cli.run(['token', '--sub', 'alice', '--tier', 'GOLD'], env);

    expect([migrate.status, show.status, seed.status, again.status, token.status]).toEqual([0, 0, 0, 0, 0]);
    expect(migrate.stdout).toContain('migration(s) applied.');
    expect(show.stdout).toContain(', 0 pending.');
    expect(seed.stdout).toContain('created   pricing rule "Gold"');
    expect(again.stdout).toContain('Nothing to change');

    const t = await startTestApp({ JWT_SECRET: secret, DATABASE_URL: database.url });
    try {
      await t.http.get('/api/cart').set('authorization', `Bearer ${token.stdout.trim()}`).expect(200);
      const quote = await t.http.get('/api/pricing/1/price?quantity=10&tier=GOLD').expect(200);
      expect(quote.body).toMatchObject({ sku: 'TSHIRT-BLK-M', unitPrice: '420.75' });
    } finally {
      await t.close();
    }
  });

  it('checks the migrations and prints the OpenAPI document there too', () => {
    const check = cli.run(['migrate:check'], env);
    const openapi = cli.run(['openapi'], env);

    expect(check.status).toBe(0);
    expect(openapi.status).toBe(0);
    expect(JSON.parse(openapi.stdout).paths).toHaveProperty(['/api/cart/checkout']);
  });
});
