import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import { Access, ACCESS_METADATA, AuthenticatedRequest } from './auth.decorators';
import { bearerToken, TokenService } from './token.service';

/**
 * Global guard. Secure by default: a route without an access decorator needs an admin,
 * so forgetting the decorator can never open a write route to the public.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    if (access === 'public') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw new UnauthenticatedError();
    const token = bearerToken(header);
    if (token === null) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');

    const principal = await this.tokens.verifyFor(request.raw, token);
    if (access === 'admin' && !principal.isAdmin) throw new ForbiddenError();
    request.principal = principal;
    return true;
  }
}
