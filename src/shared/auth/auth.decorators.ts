import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../errors';
import { Principal } from './principal';

export const ACCESS_METADATA = 'commerce:access';
export type Access = 'public' | 'customer' | 'admin';

/** Anyone may call it; a token, if sent, is ignored. The OpenAPI operation says so with `security: []`. */
export const Public = () =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, 'public' satisfies Access),
    ApiOperation({ security: [], summary: undefined }),
  );

/** Any valid token: the caller acts on their own resources. */
export const CustomerOnly = () =>
  applyDecorators(SetMetadata(ACCESS_METADATA, 'customer' satisfies Access), ApiBearerAuth(), ApiProblems(401));

/** A valid token with the admin role. */
export const AdminOnly = () =>
  applyDecorators(SetMetadata(ACCESS_METADATA, 'admin' satisfies Access), ApiBearerAuth(), ApiProblems(401, 403));

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The verified caller of a customer or admin route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without CustomerOnly or AdminOnly');
  return principal;
});
