import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Env } from '../config';
import { buildProblem, errorCodeForStatus, GENERIC_ERRORS, PROBLEM_CONTENT_TYPE } from '../errors';
import { closeWithinLinger } from './lingering-close';

/** The default for every route; routes whose bodies are small set their own (see RouteLimits). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Timeouts of the HTTP server, so that no client holds a connection for longer than it
 * takes to send a request. Node checks them every `connectionsCheckingInterval` (30 s by
 * default, which would double a short timeout); once a second is cheap.
 */
export function serverTimeouts(env: Env) {
  return {
    requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1_000, env.HTTP_HEADERS_TIMEOUT_MS),
    },
  };
}

function statusOfClientError(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/**
 * Answers what Node's HTTP parser refuses before there is a request to route (a request
 * or its headers not received in time, headers too large, malformed HTTP) with a
 * problem+json like every other error, then closes the connection lingeringly: a client
 * still sending its body reads the answer instead of a reset (see lingering-close.ts).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = statusOfClientError(error.code);
  const code = errorCodeForStatus(status);
  const requestId = randomUUID();
  const detail = STATUS_CODES[status] ?? 'Bad request';
  const body = JSON.stringify(buildProblem(code, GENERIC_ERRORS[code], detail, { instance: '', requestId }));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nX-Request-Id: ${requestId}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // What the client still sends goes on into its request, whose body limit bounds it, and
  // is never served (see lingerOnEarlyAnswers); the time bound cuts off a trickle.
  closeWithinLinger(socket);
}
