import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { CartModule } from './cart';
import { HealthModule } from './health/health.module';
import { InventoryModule } from './inventory';
import { OpsModule } from './ops/ops.module';
import { outcomeOf } from './ops/request-outcome';
import { PricingModule } from './pricing';
import { ProductsModule } from './products';
import { AuthModule } from './shared/auth';
import { Env } from './shared/config';
import { buildDataSourceOptions } from './shared/database';

const ONE_MINUTE_MS = 60_000;

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
          pinoHttp: [
            {
              level: env.LOG_LEVEL,
              // Fastify has assigned the id already (see app.factory); pino-http reuses it.
              genReqId: (request: IncomingMessage) => String((request as { id?: unknown }).id ?? randomUUID()),
              redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
              autoLogging: {
                ignore: (request) =>
                  (request.url?.startsWith('/health') || request.url?.startsWith('/metrics')) ?? false,
              },
              // The caller and the problem code, known only once the answer is sent.
              customProps: (request) => ({ ...outcomeOf(request) }),
              customLogLevel: (_request, response, error) =>
                error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
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
            ...buildDataSourceOptions(env),
            migrationsRun: env.migrationsRun,
            retryAttempts: 5,
            retryDelay: 2000,
          }),
        }),
        BullModule.forRootAsync({
          useFactory: () => ({ redis: env.REDIS_URL, prefix: env.QUEUE_PREFIX }),
        }),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: ONE_MINUTE_MS, limit: Math.max(env.RATE_LIMIT_PER_MINUTE, 1) }],
          skipIf: () => env.RATE_LIMIT_PER_MINUTE === 0,
        }),
        EventEmitterModule.forRoot(),
        AuthModule,
        HealthModule,
        ProductsModule,
        InventoryModule,
        PricingModule,
        CartModule,
        OpsModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    };
  }
}
