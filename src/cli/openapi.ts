import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument, createApp } from '../app.factory';
import { validateEnv } from '../shared/config';
import { createDatabaseIfMissing } from '../shared/database';

/**
 * `npm run openapi:spec [-- <file>]`: the OpenAPI document the app serves at /docs-json,
 * written to the file or to stdout. The app is built (its database must exist) but not
 * started: no port, no queue processors, no migrations unless MIGRATIONS_RUN says so.
 */
async function main(): Promise<void> {
  const output = process.argv[2];
  // On stdout the app's logs would mix with the document.
  const logLevel = output ? (process.env.LOG_LEVEL ?? 'warn') : 'silent';
  const env = validateEnv({ MIGRATIONS_RUN: 'false', ...process.env, LOG_LEVEL: logLevel });
  await createDatabaseIfMissing(env.DATABASE_URL);
  const app = await createApp(env);
  try {
    const json = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
    if (output) await writeFile(output, json);
    else process.stdout.write(json);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Could not write the OpenAPI document: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
