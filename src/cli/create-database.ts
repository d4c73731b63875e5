import { validateEnv } from '../shared/config';
import { createDatabaseIfMissing, splitDatabaseUrl } from '../shared/database';

/** `npm run db:create`: creates the database named in DATABASE_URL when it is missing. */
async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const { database } = splitDatabaseUrl(env.DATABASE_URL);
  const created = await createDatabaseIfMissing(env.DATABASE_URL);
  console.error(created ? `Created database ${database}` : `Database ${database} exists`);
}

main().catch((error: unknown) => {
  console.error(`Could not create the database: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
