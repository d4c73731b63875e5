import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenService } from '../shared/auth';
import { ForbiddenError, ProblemDetailsFilter, UnauthenticatedError } from '../shared/errors';

export const QUEUE_BOARD_PATH = '/admin/queues';
export const BOARD_COOKIE = 'commerce_queue_board';
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;
const HOW_TO =
  'The queue board needs an admin: send "Authorization: Bearer <admin token>", or let a browser ' +
  'get a session cookie with POST /api/admin/queue-board/session (Swagger UI: createQueueBoardSession)';

/** The board's token: the Authorization header, else the session cookie. */
function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) return BEARER.exec(header)?.[1] ?? null;
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === BOARD_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

/**
 * bull-board serves its pages and API from a Fastify plugin, outside Nest's guards; this
 * hook guards every route of that plugin with the API's own rules: a valid token with
 * the admin role, from the Authorization header or the board's session cookie. It keys
 * on the matched route, not the raw URL, so no spelling of the path slips past it.
 */
@Injectable()
export class QueueBoardAuth implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: TokenService,
    private readonly problems: ProblemDetailsFilter,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', async (request, reply) => {
      if (!request.routeOptions.url?.startsWith(QUEUE_BOARD_PATH)) return;
      const refusal = await this.refusal(request);
      if (!refusal) return;
      this.problems.send(refusal, request, reply);
      return reply;
    });
  }

  private async refusal(request: FastifyRequest): Promise<Error | null> {
    const token = tokenOf(request);
    if (!token) return new UnauthenticatedError(HOW_TO);
    try {
      const principal = await this.tokens.verify(token);
      return principal.isAdmin ? null : new ForbiddenError();
    } catch (error) {
      return error as Error;
    }
  }
}

/** Sets the session cookie for the board; the caller reaches it only with an admin token. */
export function boardCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`Path=${QUEUE_BOARD_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) attributes.push('Secure');
  return [`${BOARD_COOKIE}=${token}`, ...attributes].join('; ');
}
