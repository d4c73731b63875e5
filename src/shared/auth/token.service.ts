import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '../errors';
import { ADMIN_ROLE, CustomerTier, isCustomerTier, Principal } from './principal';

/** Only this algorithm is accepted; a token signed any other way (or not at all) is refused. */
export const JWT_ALGORITHM = 'HS256';
const MAX_SUBJECT_LENGTH = 128;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** The token of an `Authorization: Bearer <token>` header, or null when it holds none. */
export function bearerToken(header: string | undefined): string | null {
  return header === undefined ? null : (BEARER.exec(header)?.[1] ?? null);
}

interface Claims {
  sub?: unknown;
  tier?: unknown;
  roles?: unknown;
  exp?: unknown;
}

export interface IssueTokenOptions {
  sub: string;
  tier?: CustomerTier;
  admin?: boolean;
  expiresInSeconds?: number;
}

@Injectable()
export class TokenService {
  /** Verifications per HTTP request: the rate limiter and the guard both need the caller. */
  private readonly verifiedFor = new WeakMap<object, { token: string; principal: Promise<Principal> }>();

  constructor(private readonly jwt: JwtService) {}

  /**
   * `verify` once per request however many steps ask (the rate limiter keys on the
   * caller before the route's guard runs): `request` is the raw request it came with.
   */
  verifyFor(request: object | undefined, token: string): Promise<Principal> {
    if (request === undefined) return this.verify(token);
    const earlier = this.verifiedFor.get(request);
    if (earlier?.token === token) return earlier.principal;
    const principal = this.verify(token);
    this.verifiedFor.set(request, { token, principal });
    return principal;
  }

  /** Verifies signature, algorithm and expiry, then reads the claims into a Principal. */
  async verify(token: string): Promise<Principal> {
    let claims: Claims;
    try {
      claims = await this.jwt.verifyAsync<Claims>(token, { algorithms: [JWT_ALGORITHM] });
    } catch (error) {
      const reason = (error as Error).name === 'TokenExpiredError' ? 'The token has expired' : 'The token is not valid';
      throw new UnauthenticatedError(reason);
    }
    return toPrincipal(claims);
  }

  issue(options: IssueTokenOptions): string {
    const payload = {
      sub: options.sub,
      tier: options.tier ?? 'STANDARD',
      roles: options.admin ? [ADMIN_ROLE] : [],
    };
    return this.jwt.sign(payload, { algorithm: JWT_ALGORITHM, expiresIn: options.expiresInSeconds ?? 3600 });
  }
}

function toPrincipal(claims: Claims): Principal {
  const { sub, tier = 'STANDARD', roles = [], exp } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) {
    throw new UnauthenticatedError('The token has no valid subject (sub)');
  }
  if (typeof exp !== 'number') {
    throw new UnauthenticatedError('The token has no expiry (exp)');
  }
  if (!isCustomerTier(tier)) {
    throw new UnauthenticatedError('The token has an unknown tier');
  }
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new UnauthenticatedError('The token roles must be a list of strings');
  }
  return { customerId: sub, tier, roles, isAdmin: roles.includes(ADMIN_ROLE) };
}
