import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '../shared/errors';

/** What the access log line and the metrics say about a request besides its status. */
export interface RequestOutcome {
  /** The verified caller's `sub`, when the route asked for a token. */
  sub?: string;
  /** The problem `code` of an error answer. */
  code?: string;
}

const OUTCOME = Symbol('commerce.requestOutcome');
type Annotated = IncomingMessage & { [OUTCOME]?: RequestOutcome };

/**
 * Fastify `onSend` hook: notes the caller and the problem code on the raw request, where
 * pino-http (which sees only the raw request) and the metrics hook read them. Only error
 * bodies are parsed, and they are small.
 */
export function recordOutcome(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  const outcome: RequestOutcome = {};
  const principal = (request as { principal?: { customerId: string } }).principal;
  if (principal) outcome.sub = principal.customerId;
  const type = reply.getHeader('content-type');
  if (typeof payload === 'string' && typeof type === 'string' && type.startsWith(PROBLEM_CONTENT_TYPE)) {
    try {
      const code = (JSON.parse(payload) as { code?: unknown }).code;
      if (typeof code === 'string') outcome.code = code;
    } catch {
      // Not JSON after all: the status says enough.
    }
  }
  (request.raw as Annotated)[OUTCOME] = outcome;
}

export function outcomeOf(request: IncomingMessage): RequestOutcome {
  return (request as Annotated)[OUTCOME] ?? {};
}
