import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { validateEnv } from '../shared/config';
import { buildDataSourceOptions, createDatabaseIfMissing, dropDatabase } from '../shared/database';

/**
 * `npm run migration:check`: applies every migration to a scratch database and asks
 * TypeORM which statements would still be needed to match the entities. Any statement
 * means entities and migrations have drifted apart; the check fails and prints them.
 */
async function main(): Promise<number> {
  const env = validateEnv(process.env);
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/migration_check_${randomBytes(4).toString('hex')}`;
  const scratchUrl = url.toString();

  await createDatabaseIfMissing(scratchUrl);
  const dataSource = new DataSource({
    ...buildDataSourceOptions({ ...env, DATABASE_URL: scratchUrl }),
    logging: false,
  });
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const pending = await dataSource.driver.createSchemaBuilder().log();
    if (pending.upQueries.length > 0) {
      console.error('Entities and migrations differ. A migration would need:');
      for (const query of pending.upQueries) console.error(`  ${query.query};`);
      console.error('Run `npm run migration:generate -- <Name>` and review the result.');
      return 1;
    }
    console.error(`Migrations match the entities (${applied.length} applied to a scratch database).`);
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await dropDatabase(scratchUrl);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Migration check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
