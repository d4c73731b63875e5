import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { databaseUnavailableKind, DatabaseUnavailableKind, SqlState } from '../database/postgres-errors';
import { DomainError } from './domain-error';
import { ErrorCode, errorCodeForStatus } from './error-codes';
import { ErrorRegistry } from './error-registry';
import { buildProblem, Problem } from './problem';

export interface RequestContext {
  instance: string;
  requestId: string;
}

export interface MappedProblem {
  problem: Problem;
  /** Set when the error is a fault of the service rather than of the request. */
  unexpected: boolean;
  /** Seconds after which a retry may succeed (the Retry-After header), when a dependency is away. */
  retryAfterSeconds?: number;
}

/** Long enough for a restarting PostgreSQL or a released lock, short enough that shoppers do not leave. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

const DATABASE_UNAVAILABLE_DETAIL: Record<DatabaseUnavailableKind, string> = {
  LOCK_TIMEOUT: 'A record this request needs is locked by other work; nothing was written. Retry shortly',
  STATEMENT_TIMEOUT: 'The database did not finish in time; nothing was written. Retry shortly',
  POOL_TIMEOUT: 'The service is too busy to take this request now; nothing was written. Retry shortly',
  CONNECTION: 'The database cannot be reached right now. Retry shortly',
};

/** Errors raised by Fastify itself (body parsing, body size, media type) carry these. */
interface FastifyError {
  statusCode: number;
  code: string;
  message: string;
}

/** What Fastify plugins (static files) raise for a bad request: a 4xx status, often without a code. */
interface PluginClientError {
  statusCode: number;
}

function isFastifyError(error: unknown): error is FastifyError {
  const candidate = error as Partial<FastifyError> | null;
  return (
    typeof candidate?.statusCode === 'number' && typeof candidate.code === 'string' && candidate.code.startsWith('FST_')
  );
}

function isPluginClientError(error: unknown): error is PluginClientError {
  const status = (error as Partial<PluginClientError> | null)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

export type ProblemMapper = (error: unknown, context: RequestContext) => MappedProblem;

/**
 * The mapper of anything thrown while serving a request to a problem body, with the status
 * and title `registry` gives each code. Only errors the request caused say what went wrong;
 * every other error becomes INTERNAL, whose details go to the log, never to the client.
 */
export function problemMapper(registry: ErrorRegistry): ProblemMapper {
  return function mapErrorToProblem(error, context) {
    const problemOf = (code: ErrorCode, detail: string, extensions?: Record<string, unknown>) =>
      buildProblem(code, registry.definitionOf(code), detail, context, extensions);
    if (error instanceof DomainError) {
      const definition = registry.definitionOf(error.code);
      // A code that no composed module declares is a bug: it ends as INTERNAL below, and is logged.
      if (definition) {
        return {
          problem: buildProblem(error.code, definition, error.message, context, error.extensions),
          unexpected: false,
        };
      }
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = errorCodeForStatus(status);
      if (code === ErrorCode.SERVICE_UNAVAILABLE) {
        // Terminus' readiness answer: keep which dependency is down.
        const checks = (error.getResponse() as { details?: unknown }).details;
        const detail = 'A dependency of the service does not answer';
        return {
          problem: problemOf(code, detail, checks ? { checks } : {}),
          unexpected: false,
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        };
      }
      if (code !== ErrorCode.INTERNAL) {
        return { problem: problemOf(code, httpExceptionDetail(error)), unexpected: false };
      }
    }
    if (isFastifyError(error) && error.statusCode >= 400 && error.statusCode < 500) {
      const code = errorCodeForStatus(error.statusCode);
      return { problem: problemOf(code, error.message), unexpected: false };
    }
    if (isPluginClientError(error)) {
      // Its message was not written for clients (it may name a file); the status says enough.
      const code = errorCodeForStatus(error.statusCode);
      return { problem: problemOf(code, registry.definitionOf(code).title), unexpected: false };
    }
    const unavailable = databaseUnavailableKind(error);
    if (unavailable) {
      const detail = DATABASE_UNAVAILABLE_DETAIL[unavailable];
      return {
        problem: problemOf(ErrorCode.SERVICE_UNAVAILABLE, detail, { reason: unavailable }),
        unexpected: false,
        retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      };
    }
    if (error instanceof QueryFailedError) {
      // Services check their rules first; these answer the races those checks cannot see.
      const pgCode = (error.driverError as { code?: string } | undefined)?.code;
      if (pgCode === SqlState.UNIQUE_VIOLATION) {
        const detail = 'The request conflicts with an existing resource';
        return { problem: problemOf(ErrorCode.CONFLICT, detail), unexpected: false };
      }
      if (pgCode === SqlState.CHARACTER_NOT_IN_REPERTOIRE || pgCode === SqlState.UNTRANSLATABLE_CHARACTER) {
        const detail = 'The request holds a character that cannot be stored (such as U+0000)';
        return { problem: problemOf(ErrorCode.VALIDATION_FAILED, detail), unexpected: false };
      }
      if (pgCode === SqlState.FOREIGN_KEY_VIOLATION || pgCode === SqlState.CHECK_VIOLATION) {
        const detail = 'The request conflicts with the current state of a related resource';
        return { problem: problemOf(ErrorCode.CONFLICT, detail), unexpected: false };
      }
    }
    const detail = `An unexpected error occurred; quote request id ${context.requestId} when reporting it`;
    return { problem: problemOf(ErrorCode.INTERNAL, detail), unexpected: true };
  };
}
