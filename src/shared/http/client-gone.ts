import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode } from '../errors';

/**
 * Aborted when the client closes its connection before the answer was sent (it gave
 * up, timed out or crashed). A write that has not committed yet checks it and stops:
 * committing work nobody will hear of only holds stock until it expires.
 */
export const ClientAbortSignal = createParamDecorator((_data: unknown, context: ExecutionContext): AbortSignal => {
  const response = context.switchToHttp().getResponse<FastifyReply>().raw;
  const controller = new AbortController();
  const abortIfUnanswered = () => {
    if (!response.writableEnded) controller.abort();
  };
  if (response.destroyed) abortIfUnanswered();
  else response.once('close', abortIfUnanswered);
  return controller.signal;
});

/** The client went away before the write committed; nothing was written and nobody reads this answer. */
export class ClientGoneError extends DomainError {
  constructor() {
    super(ErrorCode.CLIENT_CLOSED_REQUEST, 'The client closed the connection before the request was served');
  }
}

/** Stops a write whose client has gone; call it before opening the transaction and before committing. */
export function assertClientWaiting(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClientGoneError();
}
