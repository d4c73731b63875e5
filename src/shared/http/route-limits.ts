import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

export const ONE_MINUTE_MS = 60_000;
const ROUTE_LIMITS = 'commerce:routeLimits';

export interface RouteLimitOptions {
  /** The largest body the route accepts, in bytes, where the default is far more than a valid one. */
  bodyLimit?: number;
  /** Counts the route against the stricter per-route limit of the writes that compete for scarce stock. */
  cartWrite?: boolean;
}

/** Limits of one route, applied by Fastify before the body is read (see applyRouteLimits). */
export const RouteLimits = (options: RouteLimitOptions) => RouteConfig({ [ROUTE_LIMITS]: options });

/**
 * Turns each route's RouteLimits into Fastify route options as Nest registers the routes:
 * its body limit, and the per-route rate limit that @fastify/rate-limit reads from
 * `config.rateLimit`. Must be added before that plugin, whose own onRoute hook reads it.
 */
export function applyRouteLimits(fastify: FastifyInstance, cartWritesPerMinute: number): void {
  fastify.addHook('onRoute', (route) => {
    const config = route.config as Record<string, unknown> | undefined;
    const limits = config?.[ROUTE_LIMITS] as RouteLimitOptions | undefined;
    if (!config || !limits) return;
    if (limits.bodyLimit !== undefined) route.bodyLimit = limits.bodyLimit;
    if (limits.cartWrite && cartWritesPerMinute > 0) {
      // A Redis outage must not refuse these routes: fail open, as the global limit does.
      config.rateLimit = { max: cartWritesPerMinute, timeWindow: ONE_MINUTE_MS, skipOnError: true };
    }
  });
}
