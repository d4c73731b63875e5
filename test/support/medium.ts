import { BullModule } from '@nestjs/bull';
import { Logger, ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AuthModule, TokenService } from '../../src/shared/auth';
import { Env, validateEnv } from '../../src/shared/config';
import {
  applyRoleTimeouts,
  assertTransactionTimeoutsInForce,
  buildAppDataSourceOptions,
  sizeReadPool,
  transactionTimeoutsOf,
} from '../../src/shared/database';
import { bullConnectionOptions } from '../../src/shared/queue';
import { bearers, Harness } from './test-app';
import { onIsolatedDatabase } from './test-database';

/**
 * Nest modules compiled and initialised as they run in production (providers, queues
 * and their processors, event listeners, the after-commit hooks), against the run's
 * PostgreSQL database and Redis prefix, with no HTTP server: medium tests call the
 * services themselves, immich's `test/medium` style.
 */
export interface MediumContext extends Harness {
  moduleRef: TestingModule;
  close(): Promise<void>;
}

type ModuleImports = NonNullable<ModuleMetadata['imports']>;

/**
 * What AppModule.register(env) gives every module from the root, and nothing else: the
 * validated configuration, the service's DataSource (role timeouts applied before the
 * pools open and checked after, the read pool sized), Bull on the configured Redis and
 * prefix, the in-process event emitter, and the token service (global, as in the app;
 * the harness signs the tests' bearer values with it). The request logger and the
 * problem+json filter are left out: nothing here answers HTTP.
 *
 * A copy, kept in step by hand: AppModule.register builds these inline, beside the
 * feature modules, so they cannot be imported without the whole app. Moving them into
 * an exported `AppInfrastructureModule.forRoot(env)` in src/ that AppModule imports
 * would let this function be that import.
 */
export function rootInfrastructure(env: Env): ModuleImports {
  return [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, validate: () => env }),
    TypeOrmModule.forRootAsync({
      useFactory: () => ({ ...buildAppDataSourceOptions(env), migrationsRun: env.migrationsRun }),
      dataSourceFactory: async (options) => {
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
    BullModule.forRootAsync({ useFactory: () => bullConnectionOptions(env) }),
    EventEmitterModule.forRoot(),
    AuthModule,
  ];
}

async function startContext(imports: ModuleImports): Promise<MediumContext> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    dataSource: moduleRef.get(DataSource),
    ...bearers(moduleRef.get(TokenService)),
    get: (type) => moduleRef.get(type, { strict: false }),
    close: () => moduleRef.close(),
  };
}

/**
 * The modules under test (e.g. `InventoryModule`, or `[InventoryModule,
 * InventoryJobsModule]` for its expiry processor too) with their real providers and
 * repositories, the modules they import, and the root infrastructure (see
 * rootInfrastructure), configured from the run's environment plus `overrides`.
 *
 * It exists so that a domain rule is proven against the real database by the module
 * that owns it: no other module's listeners, relays or schedules run beside the test,
 * the module's own imports are all that is wired (a missing one fails to compile here
 * before it fails in the app), and a file boots in a fraction of the whole app's time.
 */
export function startModuleContext(
  modules: ModuleImports[number] | ModuleImports,
  overrides: Record<string, string> = {},
): Promise<MediumContext> {
  const env = validateEnv({ ...process.env, ...overrides });
  return startContext([...rootInfrastructure(env), ...(Array.isArray(modules) ? modules : [modules])]);
}

/** A module context on a database of its own (see createIsolatedDatabase); closing it drops the database. */
export function startIsolatedModuleContext(
  label: string,
  modules: ModuleImports[number] | ModuleImports,
  overrides: Record<string, string> = {},
): Promise<MediumContext> {
  return onIsolatedDatabase(label, (env) => startModuleContext(modules, { ...env, ...overrides }));
}

/**
 * The whole AppModule with the run's environment plus `overrides`, for flows that cross
 * modules (a checkout reserves stock, prices lines and writes the outbox); `imports`
 * adds modules a test needs beside the app's (e.g. a queue of its own). A rule of one
 * module belongs in startModuleContext.
 */
export function startMediumContext(
  overrides: Record<string, string> = {},
  imports: ModuleImports = [],
): Promise<MediumContext> {
  const env = validateEnv({ ...process.env, ...overrides });
  return startContext([AppModule.register(env), ...imports]);
}

/** A whole-app medium context on a database of its own (see createIsolatedDatabase); closing it drops the database. */
export function startIsolatedMediumContext(
  label: string,
  overrides: Record<string, string> = {},
): Promise<MediumContext> {
  return onIsolatedDatabase(label, (env) => startMediumContext({ ...env, ...overrides }));
}
