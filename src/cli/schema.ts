import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Env } from '../shared/config';
import { buildDataSourceOptions, createDatabaseIfMissing, dropDatabase, withDatabaseName } from '../shared/database';

type DatabaseEnv = Pick<Env, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>;

export interface MigrationState {
  name: string;
  applied: boolean;
}

export interface SchemaChanges {
  up: string[];
  down: string[];
}

/** Runs the work on the app's DataSource for `env`, creating the database first when it is missing. */
export async function withDatabase<T>(env: DatabaseEnv, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  await createDatabaseIfMissing(env.DATABASE_URL);
  const dataSource = new DataSource({ ...buildDataSourceOptions(env), logging: false });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Applies every pending migration, each in its own transaction; returns their names. */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** Every migration the build knows, oldest first, and whether this database has it. */
export async function migrationStates(dataSource: DataSource): Promise<MigrationState[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const tableName = dataSource.options.migrationsTableName ?? 'migrations';
    const executed = new Set<string>();
    if (await runner.hasTable(tableName)) {
      const rows: { name: string }[] = await runner.query(`SELECT name FROM "${tableName}"`);
      for (const row of rows) executed.add(row.name);
    }
    return dataSource.migrations
      .map((migration) => migration.name ?? migration.constructor.name)
      .sort((a, b) => timestampOf(a) - timestampOf(b))
      .map((name) => ({ name, applied: executed.has(name) }));
  } finally {
    await runner.release();
  }
}

/** Undoes the most recent migration; returns its name, or null when none is applied. */
export async function revertLastMigration(dataSource: DataSource): Promise<string | null> {
  const applied = (await migrationStates(dataSource)).filter((state) => state.applied);
  if (applied.length === 0) return null;
  await dataSource.undoLastMigration({ transaction: 'each' });
  return applied[applied.length - 1].name;
}

/**
 * What a migration would still have to do for the schema to match the entities: every
 * migration is applied to a scratch database (dropped afterwards), so the answer does not
 * depend on the state of the database DATABASE_URL names.
 */
export async function pendingSchemaChanges(env: DatabaseEnv): Promise<SchemaChanges> {
  const scratchName = `migration_check_${randomBytes(4).toString('hex')}`;
  const scratch = { ...env, DATABASE_URL: withDatabaseName(env.DATABASE_URL, scratchName) };
  try {
    return await withDatabase(scratch, async (dataSource) => {
      await runPendingMigrations(dataSource);
      const sql = await dataSource.driver.createSchemaBuilder().log();
      return {
        up: sql.upQueries.map((query) => query.query),
        down: sql.downQueries.map((query) => query.query).reverse(),
      };
    });
  } finally {
    await dropDatabase(scratch.DATABASE_URL);
  }
}

/** The TypeScript of a migration class, in the layout of the committed ones. */
export function migrationSource(className: string, changes: SchemaChanges): string {
  const statements = (queries: string[]) =>
    queries.map(
      (query) => `    await queryRunner.query(\`${query.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${')}\`);`,
    );
  return [
    `import { MigrationInterface, QueryRunner } from 'typeorm';`,
    '',
    `export class ${className} implements MigrationInterface {`,
    `  name = '${className}';`,
    '',
    '  public async up(queryRunner: QueryRunner): Promise<void> {',
    ...statements(changes.up),
    '  }',
    '',
    '  public async down(queryRunner: QueryRunner): Promise<void> {',
    ...statements(changes.down),
    '  }',
    '}',
    '',
  ].join('\n');
}

function timestampOf(name: string): number {
  return Number(/(\d{13})$/.exec(name)?.[1] ?? 0);
}
