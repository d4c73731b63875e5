import { Client } from 'pg';
import { SqlState } from './postgres-errors';

/** Failures that waiting cannot cure: the operator must act (create the database, fix the credentials). */
const PERMANENT_SQLSTATE = new Set<string>([
  SqlState.INVALID_CATALOG_NAME,
  SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
  SqlState.INVALID_PASSWORD,
]);
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;
const ATTEMPT_TIMEOUT_MS = 2_000;

export interface DatabaseWaitLog {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

export class DatabaseUnreachableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = DatabaseUnreachableError.name;
  }
}

/**
 * Waits until PostgreSQL accepts a connection, trying again with exponential backoff for
 * up to `timeoutSeconds` (a database restarting, or started after the app by the same
 * deploy). Each failed attempt is one log line. Gives up at once on failures no wait can
 * cure: a missing database or refused credentials.
 */
export async function waitForDatabase(
  databaseUrl: string,
  timeoutSeconds: number,
  log: DatabaseWaitLog,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (let attempt = 1, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    const error = await tryConnect(databaseUrl);
    if (!error) {
      if (attempt > 1) log.info({ attempt }, 'PostgreSQL is reachable');
      return;
    }
    const code = (error as { code?: string }).code;
    const reason = { attempt, code, cause: (error as Error).message };
    if (code && PERMANENT_SQLSTATE.has(code)) {
      throw new DatabaseUnreachableError(`PostgreSQL refused the connection: ${reason.cause}`, attempt, error);
    }
    if (Date.now() + delay > deadline) {
      throw new DatabaseUnreachableError(
        `PostgreSQL did not answer within ${timeoutSeconds} s (DATABASE_STARTUP_TIMEOUT_SECONDS): ${reason.cause}`,
        attempt,
        error,
      );
    }
    log.warn({ ...reason, retryInMs: delay }, 'PostgreSQL is not reachable yet; retrying');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function tryConnect(databaseUrl: string): Promise<unknown> {
  const client = new Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS,
    query_timeout: ATTEMPT_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
