import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly, CurrentPrincipal, Principal, TokenService } from '../shared/auth';
import { Env } from '../shared/config';
import { NoBody } from '../shared/http';
import { boardCookie, QUEUE_BOARD_PATH } from './queue-board.auth';

/** How long a browser may watch the board before it needs a new session. */
const SESSION_SECONDS = 15 * 60;

@ApiTags('operations')
@Controller('admin/queue-board')
export class QueueBoardController {
  constructor(
    private readonly tokens: TokenService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  @Post('session')
  @HttpCode(204)
  @AdminOnly()
  @ApiOperation({
    operationId: 'createQueueBoardSession',
    summary: `Let this browser open the queue board at ${QUEUE_BOARD_PATH}`,
    description:
      `Sets an HttpOnly, SameSite=Strict cookie for ${QUEUE_BOARD_PATH} only, holding a fresh admin token ` +
      `that expires in ${SESSION_SECONDS / 60} minutes; then open ${QUEUE_BOARD_PATH} in the same browser. ` +
      'Scripts can send their Authorization header to the board instead.',
  })
  @ApiNoContentResponse({ description: 'The cookie is set', headers: { 'set-cookie': { schema: { type: 'string' } } } })
  createQueueBoardSession(
    @CurrentPrincipal() principal: Principal,
    @NoBody() _body: undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): void {
    const token = this.tokens.issue({ sub: principal.customerId, admin: true, expiresInSeconds: SESSION_SECONDS });
    const secure = this.config.get('NODE_ENV', { infer: true }) === 'production';
    void reply.header('set-cookie', boardCookie(token, SESSION_SECONDS, secure));
  }
}
