import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, TokenService } from '../auth';
import { Env } from '../config';
import { RateLimitedError } from '../errors';
import { connectRedis, RedisConnection, redisTargetOf } from '../queue';
import { applyRouteLimits, ONE_MINUTE_MS } from './route-limits';

/** Load balancers, orchestrators and Prometheus probe these; they must never be refused. */
const PROBE_ROUTES = new Set(['/health', '/health/ready', '/metrics']);
const OUTAGE_LOG_INTERVAL_MS = 10_000;
const CONNECT_WAIT_MS = 2_000;

/**
 * A Redis client that never makes a request wait: no offline queue (a command fails at
 * once while disconnected), a short command timeout, and no retries of a command.
 */
function limiterRedis(env: Env, reportOutage: (error: unknown) => void): RedisConnection {
  const redis = connectRedis(redisTargetOf(env, env.rateLimitRedisUrl), {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', reportOutage);
  return redis;
}

/** Gives the limiter's connection a moment to open before the first requests; never waits longer. */
function connected(redis: RedisConnection, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Logs that limiting is suspended, at most every few seconds however many requests fail. */
function outageReporter(logger: Logger): (error: unknown) => void {
  let lastLoggedAt = 0;
  return (error) => {
    if (Date.now() - lastLoggedAt < OUTAGE_LOG_INTERVAL_MS) return;
    lastLoggedAt = Date.now();
    logger.warn(`Rate limits are not enforced while Redis does not answer: ${(error as Error).message ?? error}`);
  };
}

/** The client a request counts for: the verified token's subject, else the address Fastify sees. */
async function clientKey(request: FastifyRequest, tokens: TokenService): Promise<string> {
  const token = bearerToken(request.headers.authorization);
  if (token !== null) {
    const principal = await tokens.verifyFor(request.raw, token).catch(() => null);
    if (principal !== null) return `sub:${principal.customerId}`;
  }
  return `ip:${normalizeIP(request.ip)}`;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The limit over all routes, as an onRequest hook: it runs before routing decides on a
 * 404 and before the body is read, so unknown routes and unparsable bodies count too.
 */
function limitEveryRequest(limit: Limiter, reportOutage: (error: unknown) => void) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.url !== undefined && PROBE_ROUTES.has(request.routeOptions.url)) return;
    let result: Awaited<ReturnType<Limiter>>;
    try {
      result = await limit(request);
    } catch (error) {
      reportOutage(error);
      return;
    }
    if (result.isAllowed) return;
    void reply
      .header('ratelimit-limit', result.max)
      .header('ratelimit-remaining', result.remaining)
      .header('ratelimit-reset', result.ttlInSeconds);
    if (result.isExceeded) {
      void reply.header('retry-after', result.ttlInSeconds);
      throw new RateLimitedError(result.ttlInSeconds);
    }
  };
}

/**
 * Rate limits per client, counted in Redis so that every instance shares them: one over
 * all routes and a stricter one per cart-write route (see RouteLimits). When Redis does
 * not answer, requests are served and the outage is logged. Must run before the routes
 * are registered (before `app.init()`).
 */
export async function registerRateLimits(fastify: FastifyInstance, env: Env, tokens: TokenService): Promise<void> {
  applyRouteLimits(fastify, env.RATE_LIMIT_CART_PER_MINUTE);
  if (env.RATE_LIMIT_PER_MINUTE === 0 && env.RATE_LIMIT_CART_PER_MINUTE === 0) return;

  const reportOutage = outageReporter(new Logger('RateLimit'));
  const redis = limiterRedis(env, reportOutage);
  fastify.addHook('onClose', async () => {
    redis.disconnect();
  });
  await connected(redis, CONNECT_WAIT_MS);
  await fastify.register(fastifyRateLimit, {
    global: false,
    redis,
    nameSpace: `${env.RATE_LIMIT_KEY_PREFIX}:`,
    max: env.RATE_LIMIT_PER_MINUTE,
    timeWindow: ONE_MINUTE_MS,
    enableDraftSpec: true,
    keyGenerator: (request) => clientKey(request, tokens),
    errorResponseBuilder: (_request, context) => new RateLimitedError(Math.ceil(context.ttl / 1000)),
  });
  if (env.RATE_LIMIT_PER_MINUTE > 0) {
    fastify.addHook('onRequest', limitEveryRequest(fastify.createRateLimit(), reportOutage));
  }
}
