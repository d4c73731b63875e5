import { JwtService } from '@nestjs/jwt';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startTestApp } from '../support/test-app';
import { buildCli, CliBuild, databaseExists } from '../support/cli';
import { freshDatabase } from '../support/test-database';

// Every command of `commerce` runs as an operator runs it: the compiled CLI in a child
// process, against a database name of its own that does not exist before the test.

const COMMANDS = [
  'db:create',
  'migrate:run',
  'migrate:revert',
  'migrate:show',
  'migrate:check',
  'migrate:generate',
  'seed',
  'token',
  'audit',
  'openapi',
];
/** The repository's migrations: how many, and the class name of the newest. */
const MIGRATION_FILES = readdirSync(join(__dirname, '..', '..', 'migrations'))
  .filter((file) => file.endsWith('.ts'))
  .sort();
const NEWEST_MIGRATION = MIGRATION_FILES[MIGRATION_FILES.length - 1].replace(/^(\d+)-(\w+)\.ts$/, '$2$1');
const MIGRATIONS = MIGRATION_FILES.length;

let cli: CliBuild;

beforeAll(() => {
  cli = buildCli();
}, 120_000);

afterAll(() => cli?.remove());

describe('commerce --help', () => {
  it.each(COMMANDS)('documents %s and exits 0', (command) => {
    const result = cli.run([command, '--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Usage: commerce ${command}`);
  });

  it('exits 2 on an unknown command or option', () => {
    expect(cli.run(['migrate:sideways']).status).toBe(2);
    expect(cli.run(['token', '--sub', 'a', '--tier', 'DIAMOND']).status).toBe(2);
    expect(cli.run(['token']).status).toBe(2);
  });
});

describe('commerce db:create and migrate:*', () => {
  const database = freshDatabase('cli_migrate');
  const env = { DATABASE_URL: database.url };
  afterAll(() => database.drop());

  it('creates the database once', async () => {
    const first = cli.run(['db:create'], env);
    const second = cli.run(['db:create'], env);

    expect([first.status, second.status]).toEqual([0, 0]);
    expect(first.stdout).toContain(`Created database ${database.name}`);
    expect(second.stdout).toContain(`Database ${database.name} exists`);
    expect(await databaseExists(database.url)).toBe(true);
  });

  it('shows, applies, reverts and applies again', () => {
    const pending = cli.run(['migrate:show'], env);
    const run = cli.run(['migrate:run'], env);
    const again = cli.run(['migrate:run'], env);
    const applied = cli.run(['migrate:show'], env);
    const revert = cli.run(['migrate:revert'], env);
    const afterRevert = cli.run(['migrate:show'], env);
    const rerun = cli.run(['migrate:run'], env);

    expect([pending, run, again, applied, revert, afterRevert, rerun].map((result) => result.status)).toEqual(
      Array(7).fill(0),
    );
    expect(pending.stdout).toContain(`0 applied, ${MIGRATIONS} pending.`);
    expect(pending.stdout).toContain('[ ] InitialCatalog');
    expect(run.stdout).toContain(`${MIGRATIONS} migration(s) applied.`);
    expect(again.stdout).toContain('No pending migrations.');
    expect(applied.stdout).toContain(`${MIGRATIONS} applied, 0 pending.`);
    expect(revert.stdout).toMatch(new RegExp(`^Reverted ${NEWEST_MIGRATION}$`, 'm'));
    expect(afterRevert.stdout).toMatch(new RegExp(`^\\[ \\] ${NEWEST_MIGRATION}$`, 'm'));
    expect(rerun.stdout).toMatch(new RegExp(`^Applied {2}${NEWEST_MIGRATION}$`, 'm'));
  });

  it('passes the check when migrations match the entities', () => {
    const check = cli.run(['migrate:check'], env);

    expect(check.status).toBe(0);
    expect(check.stdout).toContain('Migrations match the entities.');
  });

  it('creates and migrates a database that does not exist yet', async () => {
    const other = freshDatabase('cli_missing');
    try {
      const run = cli.run(['migrate:run'], { DATABASE_URL: other.url });

      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`${MIGRATIONS} migration(s) applied.`);
    } finally {
      await other.drop();
    }
  });

  it('exits 3 with one line when the database server cannot be reached', () => {
    const result = cli.run(['migrate:run'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });

    expect(result.status).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^migrate:run failed: /);
  });

  it('exits 2 on a bad setting', () => {
    const result = cli.run(['migrate:show'], { DATABASE_URL: 'mysql://elsewhere/db' });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL must be a postgres:// URL');
  });
});

describe('commerce migrate:check and migrate:generate with a migration missing', () => {
  const workspace = () => join(cli.directory, 'workspace');
  const migrations = () => join(cli.directory, 'dist', 'migrations');
  let removed: string;

  beforeAll(() => {
    // The compiled migrations without the one that creates the outbox's tables: entities now
    // need more than the migrations make. No later migration touches those tables.
    removed = readdirSync(migrations()).find((file) => /-OutboxAndWebhooks\.js$/.test(file))!;
    renameSync(join(migrations(), removed), join(cli.directory, removed));
    mkdirSync(join(workspace(), 'migrations'), { recursive: true });
  });

  afterAll(() => {
    renameSync(join(cli.directory, removed), join(migrations(), removed));
    rmSync(workspace(), { recursive: true, force: true });
  });

  it('fails the check with exit 1 and the statements needed', () => {
    const check = cli.run(['migrate:check']);

    expect(check.status).toBe(1);
    expect(check.stdout).toContain('Entities and migrations differ');
    expect(check.stdout).toContain('CREATE TABLE "outbox_events"');
  });

  it('writes a migration that creates what is missing, and reverts it', () => {
    const generate = cli.run(['migrate:generate', 'AddOutbox'], {}, workspace());

    expect(generate.status).toBe(0);
    const [file] = readdirSync(join(workspace(), 'migrations'));
    expect(file).toMatch(/^\d{13}-AddOutbox\.ts$/);
    const source = readFileSync(join(workspace(), 'migrations', file), 'utf8');
    expect(source).toMatch(/export class AddOutbox\d{13} implements MigrationInterface/);
    expect(source).toContain('CREATE TABLE "outbox_events"');
    expect(source).toContain('DROP TABLE "outbox_events"');
    expect(removed).toMatch(/OutboxAndWebhooks\.js$/);
  });

  it('refuses to generate in production or with a bad name', () => {
    expect(cli.run(['migrate:generate', 'AddCarts'], { NODE_ENV: 'production' }, workspace()).status).toBe(2);
    expect(cli.run(['migrate:generate', 'add carts'], {}, workspace()).status).toBe(2);
  });
});

describe('commerce token', () => {
  it('prints a token the app accepts, with the tier and role asked for', async () => {
    const customer = cli.run(['token', '--sub', 'alice', '--tier', 'GOLD', '--ttl', '120']);
    const admin = cli.run(['token', '--sub', 'ops', '--admin']);
    const t = await startTestApp();
    try {
      expect([customer.status, admin.status]).toEqual([0, 0]);
      await t.http.get('/api/cart').set('authorization', `Bearer ${customer.stdout.trim()}`).expect(200);
      await t.http.get('/api/inventory/audit').set('authorization', `Bearer ${customer.stdout.trim()}`).expect(403);
      await t.http.get('/api/inventory/audit').set('authorization', `Bearer ${admin.stdout.trim()}`).expect(200);
      const claims = new JwtService().decode(customer.stdout.trim());
      expect(claims).toMatchObject({ sub: 'alice', tier: 'GOLD', roles: [] });
      expect(claims.exp - claims.iat).toBe(120);
    } finally {
      await t.close();
    }
  });

  it('reads JWT_SECRET from .env, and the environment wins over the file', () => {
    const directory = join(cli.directory, 'with-env-file');
    mkdirSync(directory, { recursive: true });
    const fileSecret = 'a-secret-from-the-dot-env-file-0123456789';
    const environmentSecret = 'a-secret-from-the-environment-0123456789';
    writeFileSync(join(directory, '.env'), `# local settings\nJWT_SECRET="${fileSecret}"\nPORT=3999\n`);

    const fromFile = cli.run(['token', '--sub', 'x'], { JWT_SECRET: undefined }, directory);
    const fromEnvironment = cli.run(['token', '--sub', 'x'], { JWT_SECRET: environmentSecret }, directory);

    expect(new JwtService({ secret: fileSecret }).verify(fromFile.stdout.trim())).toMatchObject({ sub: 'x' });
    expect(new JwtService({ secret: environmentSecret }).verify(fromEnvironment.stdout.trim())).toMatchObject({
      sub: 'x',
    });
  });
});

describe('commerce audit', () => {
  const database = freshDatabase('cli_audit');
  const env = { DATABASE_URL: database.url };
  afterAll(() => database.drop());

  it('exits 0 on consistent stock and 1 with the drift once stock and ledger disagree', async () => {
    expect(cli.run(['seed'], env).status).toBe(0);
    const clean = cli.run(['audit'], env);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('UPDATE stock_levels SET on_hand = on_hand + 1');
    } finally {
      await client.end();
    }
    const drifted = cli.run(['audit'], env);

    expect(clean.status).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ drift: [] });
    expect(drifted.status).toBe(1);
    expect(JSON.parse(drifted.stdout).drift).toEqual([expect.objectContaining({ onHand: 11, ledgerOnHand: 10 })]);
  });
});

describe('commerce openapi', () => {
  it('prints the document the app serves, without creating or touching a database', async () => {
    const nowhere = freshDatabase('cli_openapi');
    const printed = cli.run(['openapi'], { DATABASE_URL: nowhere.url });
    const file = join(cli.directory, 'openapi.json');
    const written = cli.run(['openapi', file], { DATABASE_URL: nowhere.url });
    const t = await startTestApp();
    try {
      const served = await t.http.get('/docs-json').expect(200);

      expect([printed.status, written.status]).toEqual([0, 0]);
      expect(JSON.parse(printed.stdout)).toEqual(served.body);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(served.body);
      expect(existsSync(file)).toBe(true);
      expect(await databaseExists(nowhere.url)).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('hands the whole document to a reader slower than the pipe before it exits', () => {
    const main = join(cli.directory, 'dist', 'src', 'cli', 'main.js');
    // A pipe holds 64 KiB; the document is more than twice that, and the reader starts late.
    const slow = spawnSync('sh', ['-c', `"${process.execPath}" "${main}" openapi | (sleep 1; cat)`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });

    expect(slow.status).toBe(0);
    expect(slow.stdout.length).toBeGreaterThan(2 * 64 * 1024);
    expect(JSON.parse(slow.stdout).paths).toHaveProperty(['/api/cart/checkout']);
  });
});
