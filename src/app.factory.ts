import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import { APP_ERRORS } from './app.errors';
import { APP_EVENTS } from './app.events';
import { AppModule } from './app.module';
import { serveConsole } from './ops';
import { documentWebhookEvents, webhookPayloadClasses } from './outbox';
import { Env } from './shared/config';
import { documentErrorCodes, DomainError, ErrorCode, ProblemDetailsFilter, problemResponse } from './shared/errors';
import { TokenService } from './shared/auth';
import {
  answerClientError,
  BODY_LIMIT_BYTES,
  lingerOnEarlyAnswers,
  numbersAreWholeNumbers,
  parseJsonBody,
  registerRateLimits,
  serverTimeouts,
  StrictValidationPipe,
} from './shared/http';

export const API_PREFIX = 'api';
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a well-formed X-Request-Id from the caller (or a proxy), else makes one. */
function requestIdOf(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  const id = typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
  // pino-http reads the same property, so access logs and problem bodies carry one id.
  (request as IncomingMessage & { id: string }).id = id;
  return id;
}

export interface CreateAppOptions {
  /** Routes and documents only: no provider is instantiated, so nothing connects to PostgreSQL or Redis. */
  preview?: boolean;
}

/** Builds the fully configured application; main.ts, the CLI and the tests share it. */
export async function createApp(env: Env, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const preview = options.preview ?? false;
  const problems = new ProblemDetailsFilter(APP_ERRORS);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    ...serverTimeouts(env),
    clientErrorHandler: answerClientError,
    trustProxy: env.TRUST_PROXY,
    genReqId: requestIdOf,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A malformed URL (e.g. "%FF") never reaches Nest's filters; answer it the same way.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      problems.send(error, request, reply),
  });
  // The API speaks JSON only: Nest's extra form parser stays off (bodyParser: false) and
  // Fastify's text/plain parser is removed, so any other body is a 415.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env), adapter, {
    bufferLogs: !preview,
    bodyParser: false,
    ...(preview ? { preview, logger: false } : {}),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // A 413 (or any answer) given before the body arrived is read by clients that send it all first.
  lingerOnEarlyAnswers(fastify);
  fastify.removeContentTypeParser('text/plain');
  // JSON with limits on depth and size checked before it is parsed (see parseJsonBody).
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  if (!preview) app.useLogger(app.get(Logger));
  if (env.usesDevelopmentJwtSecret) {
    new NestLogger('Config').warn('JWT_SECRET is not set: using the development secret. Never do this in production.');
  }

  const corsOrigins = env.corsOrigins;
  if (corsOrigins !== null) {
    app.enableCors({ origin: corsOrigins, exposedHeaders: ['x-request-id', 'retry-after'], maxAge: 600 });
  }
  // A preview (the OpenAPI document, without a database) connects to nothing, Redis included.
  if (!preview) await registerRateLimits(fastify, env, app.get(TokenService));
  // The queue board (admin/queues) is mounted by bull-board itself, outside the API prefix too.
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready', 'metrics', 'admin/queues'] });
  app.useGlobalPipes(new StrictValidationPipe());

  // Nest routes Fastify's own errors (unparsable JSON, a body over the limit, an
  // unsupported media type) through this filter too, so they answer problem+json.
  app.useGlobalFilters(problems);
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  // helmet's own middleware, built once: @fastify/helmet builds it again on every request,
  // parsing the CSP each time, which every request would pay for.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        scriptSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:'],
        // Swagger UI's "Try it out" must reach a plain-HTTP development server.
        upgradeInsecureRequests: null,
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  if (!env.servesApi) fastify.addHook('onRequest', answerOnlyProbes(problems));
  if (env.servesApi && !preview) await serveConsole(fastify, env.CONSOLE_DIR);

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
  app.enableShutdownHooks();
  return app;
}

/** Paths a worker process answers: the probes and metrics, for its orchestrator and its scraper. */
const WORKER_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** A worker (APP_ROLE=worker) serves no API: anything but the probes is 404, before any route runs. */
class WorkerServesNoApiError extends DomainError {
  constructor() {
    super(ErrorCode.NOT_FOUND, 'This process is a worker (APP_ROLE=worker): it serves /health and /metrics only');
  }
}

function answerOnlyProbes(problems: ProblemDetailsFilter) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (WORKER_PATHS.test(request.url)) return done();
    problems.send(new WorkerServesNoApiError(), request, reply);
  };
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Commerce inventory and pricing API')
    .setDescription(
      'Catalog, stock with a movement ledger, explainable dynamic pricing, carts and a locked ' +
        'all-or-nothing checkout. Money is a decimal string with two fraction digits; every error is ' +
        'application/problem+json with a stable `code`.',
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        "A JWT signed with the server's JWT_SECRET. From a clone: `npx commerce token --sub alice --tier GOLD` " +
        '(add `--admin` for staff routes); with Docker: `docker compose exec api node dist/src/cli/main.js token ' +
        '--sub alice`. Paste the token alone, without "Bearer".',
    })
    .addGlobalResponse(...[429, 500].map(problemResponse))
    .addTag('products', 'Catalog: categories, products and variants')
    .addTag('inventory', 'Stock levels, the movement ledger and reservations')
    .addTag('pricing', 'Pricing rules and explainable price quotes')
    .addTag('cart', "The caller's cart and its checkout into a stock reservation")
    .addTag('webhooks', 'Subscriptions to signed event deliveries (Standard Webhooks) and their deliveries')
    .addTag('health', 'Liveness and readiness')
    .addTag('operations', 'Operator tools: a browser session for the queue board at /admin/queues')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
    extraModels: webhookPayloadClasses(APP_EVENTS),
  });
  return numbersAreWholeNumbers(documentWebhookEvents(documentErrorCodes(document, APP_ERRORS), APP_EVENTS));
}
