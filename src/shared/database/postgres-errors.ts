import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

/** The SQLSTATEs (PostgreSQL's error codes, appendix A of its manual) that the service tells apart. */
export const SqlState = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  CHARACTER_NOT_IN_REPERTOIRE: '22021',
  UNTRANSLATABLE_CHARACTER: '22P05',
  LOCK_NOT_AVAILABLE: '55P03',
  QUERY_CANCELED: '57014',
  DUPLICATE_DATABASE: '42P04',
  INVALID_CATALOG_NAME: '3D000',
  INVALID_AUTHORIZATION_SPECIFICATION: '28000',
  INVALID_PASSWORD: '28P01',
} as const;

/** True when the error is a unique violation of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string } | undefined;
  return driverError?.code === SqlState.UNIQUE_VIOLATION && driverError.constraint === constraint;
}

/** Runs the write; a unique violation of `constraint` becomes the domain error `toError` makes. */
export async function onUniqueViolation<T>(
  constraint: string,
  toError: () => Error,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw toError();
    throw error;
  }
}

/**
 * SQLSTATEs that say the database cannot serve the request right now, not that the
 * request is wrong: retrying later can succeed. Class 08 is a connection failure, 57 an
 * operator intervention (shutdown, restart, a cancelled statement, a statement timeout),
 * 53 insufficient resources (too many connections); 55P03 is a lock wait that ran out;
 * 40001 and 40P01 a serialization failure and a deadlock victim; 25006 a write sent to a
 * standby, which is what a failover looks like until the pooler points at the new primary.
 */
const RETRYABLE_SQLSTATE = /^(08|57|53)|^55P03$|^40001$|^40P01$|^25006$/;

/** Socket-level failures of a connection to PostgreSQL. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** What node-postgres and pg-pool say when a connection is lost, refused or not to be had. */
const CONNECTION_LOST_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection is not established|terminating connection/i;

export type DatabaseUnavailableKind = 'LOCK_TIMEOUT' | 'STATEMENT_TIMEOUT' | 'POOL_TIMEOUT' | 'CONNECTION';

/**
 * Why an error means PostgreSQL could not serve the request (gone, restarting, a lock
 * or pool wait that ran out), or null when it is anything else. Such errors are the
 * service's situation, not a bug: clients get 503 with Retry-After.
 */
export function databaseUnavailableKind(error: unknown): DatabaseUnavailableKind | null {
  // TypeORM gives up a transaction's connection when it breaks; later statements of it say so.
  if (error instanceof QueryRunnerProviderAlreadyReleasedError || error instanceof QueryRunnerAlreadyReleasedError) {
    return 'CONNECTION';
  }
  for (const candidate of [error, (error as { driverError?: unknown } | null)?.driverError]) {
    if (!candidate || typeof candidate !== 'object') continue;
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (code === SqlState.LOCK_NOT_AVAILABLE) return 'LOCK_TIMEOUT';
    if (code === SqlState.QUERY_CANCELED) return 'STATEMENT_TIMEOUT';
    if (typeof code === 'string' && (RETRYABLE_SQLSTATE.test(code) || NETWORK_ERROR_CODES.has(code))) {
      return 'CONNECTION';
    }
    if (typeof message === 'string' && /timeout exceeded when trying to connect/i.test(message)) return 'POOL_TIMEOUT';
    if (typeof message === 'string' && CONNECTION_LOST_MESSAGE.test(message)) return 'CONNECTION';
  }
  return null;
}
