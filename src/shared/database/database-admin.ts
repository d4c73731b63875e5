import { Client } from 'pg';
import { SqlState } from './postgres-errors';

/** The URL of another database on the same server, with the same user and options. */
export function withDatabaseName(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Splits a database URL into the URL of the server's maintenance database and the database name. */
export function splitDatabaseUrl(databaseUrl: string): { serverUrl: string; database: string } {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database');
  return { serverUrl: withDatabaseName(databaseUrl, 'postgres'), database };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database of the URL unless it exists. Returns true when it created it. */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const { serverUrl, database } = splitDatabaseUrl(databaseUrl);
  return withServer(serverUrl, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    } catch (error) {
      // Another process created it between the check and the create.
      if ((error as { code?: string }).code === SqlState.DUPLICATE_DATABASE) return false;
      throw error;
    }
    return true;
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(databaseUrl);
  await withServer(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`),
  );
}
