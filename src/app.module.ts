import { BullModule } from '@nestjs/bull';
import { DynamicModule, Logger, Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { APP_ERRORS } from './app.errors';
import { APP_EVENTS } from './app.events';
import { CartModule } from './cart';
import { HealthModule } from './health';
import { InventoryJobsModule, InventoryModule } from './inventory';
import { OpsModule, outcomeOf } from './ops';
import { EventCatalogModule, OutboxJobsModule, OutboxModule } from './outbox';
import { PricingModule } from './pricing';
import { ProductsModule } from './products';
import { AuthModule } from './shared/auth';
import { Env } from './shared/config';
import {
  applyRoleTimeouts,
  assertTransactionTimeoutsInForce,
  buildAppDataSourceOptions,
  sizeReadPool,
  transactionTimeoutsOf,
} from './shared/database';
import { ErrorsModule } from './shared/errors';
import { IdempotencyJobsModule } from './shared/idempotency';
import { bullConnectionOptions } from './shared/queue';

/** What load balancers, orchestrators and Prometheus call, many times a minute. */
const UNLOGGED_ROUTES = ['health', 'health/ready', 'metrics'];

@Module({})
export class AppModule {
  /** The whole application, configured from an already validated environment. */
  static register(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The environment was validated by the caller; ConfigService serves exactly that.
        // (main.ts and the CLI merged `.env` into it first; see readEnvironment.)
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, validate: () => env }),
        LoggerModule.forRoot({
          // Nest 11's named wildcard; nestjs-pino's default '*' makes Nest warn at every start.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          // Probes and scrapes are not logged: they skip the request logger altogether.
          exclude: UNLOGGED_ROUTES.map((path) => ({ path, method: RequestMethod.ALL })),
          pinoHttp: [
            {
              level: env.LOG_LEVEL,
              // Fastify has assigned the id already (see app.factory); pino-http reuses it.
              genReqId: (request: IncomingMessage) => String((request as { id?: unknown }).id ?? randomUUID()),
              redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
              // The caller and the problem code, known only once the answer is sent. Added to
              // the line itself: pino-http's customProps would build two child loggers per request.
              customSuccessObject: (request, _response, line: object) => ({ ...line, ...outcomeOf(request) }),
              customErrorObject: (request, _response, _error, line: object) => ({ ...line, ...outcomeOf(request) }),
              // 503 is a dependency away or a lock wait run out, answered as designed: not a bug.
              customLogLevel: (_request, response, error) =>
                response.statusCode === 503
                  ? 'warn'
                  : error || response.statusCode >= 500
                    ? 'error'
                    : response.statusCode >= 400
                      ? 'warn'
                      : 'info',
              serializers: {
                req: (request: { id: string; method: string; url: string }) => ({
                  id: request.id,
                  method: request.method,
                  url: request.url,
                }),
                res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
              },
            },
            // Asynchronous writes: under load, lines logged while a write is in flight go
            // out together in the next one instead of one blocking write(2) each. Pending
            // lines are flushed when the process exits.
            pino.destination({ dest: 1, sync: false }),
          ],
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildAppDataSourceOptions(env),
            migrationsRun: env.migrationsRun,
            // main.ts waits for PostgreSQL before building the app; this covers a blip in between.
            retryAttempts: 2,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (options) => {
            // Before the pools open, so that their sessions start with the bounds as defaults.
            await applyRoleTimeouts(env.DATABASE_URL, transactionTimeoutsOf(env), new Logger('Database'));
            const dataSource = await new DataSource(options!).initialize();
            sizeReadPool(dataSource, env.DATABASE_READ_POOL_SIZE);
            try {
              await assertTransactionTimeoutsInForce(dataSource, transactionTimeoutsOf(env));
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
        BullModule.forRootAsync({
          useFactory: () => bullConnectionOptions(env),
        }),
        EventEmitterModule.forRoot(),
        ErrorsModule.forRoot(APP_ERRORS),
        EventCatalogModule.forRoot(APP_EVENTS),
        AuthModule,
        HealthModule,
        OutboxModule,
        ProductsModule,
        InventoryModule,
        PricingModule,
        CartModule,
        // APP_ROLE=api leaves the jobs to worker processes; it still enqueues them.
        ...(env.processesJobs ? [IdempotencyJobsModule, InventoryJobsModule, OutboxJobsModule] : []),
        OpsModule,
      ],
    };
  }
}
