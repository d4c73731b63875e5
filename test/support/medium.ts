import { DynamicModule, ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AuthModule, TokenService } from '../../src/shared/auth';
import { Env, validateEnv } from '../../src/shared/config';
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
type ModuleImport = ModuleImports[number];

/** A configured module, or the promise of one (ConfigModule.forRoot is asynchronous); not a plain module class. */
const isDynamicModule = (entry: ModuleImport): entry is DynamicModule | Promise<DynamicModule> =>
  typeof entry === 'object' && entry !== null && ('module' in entry || entry instanceof Promise);

/**
 * What AppModule.register(env) wires at the root for every module, taken from it rather
 * than copied: its configured `forRoot` modules (the validated configuration, the
 * service's DataSource with the role's timeouts applied and checked, Bull on the
 * configured Redis and prefix, the event emitter, the event catalog, the error registry,
 * the request logger), without its feature modules, which it imports as plain classes;
 * plus AuthModule, the one plain class among them that is infrastructure (the token
 * service every module may ask for, which the harness signs the tests' bearers with).
 *
 * That split is a convention of app.module.ts, not a name: a root module added as a
 * plain class would be missed here (the context would fail to compile, naming the
 * provider it lacks). Moving the root imports into an exported
 * `AppInfrastructureModule.forRoot(env)` in src/, which AppModule.register imports
 * beside the features, would make this function that one import.
 */
export function rootInfrastructure(env: Env): ModuleImports {
  const root = AppModule.register(env).imports ?? [];
  return [...root.filter(isDynamicModule), AuthModule];
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
  modules: ModuleImport | ModuleImports,
  overrides: Record<string, string> = {},
): Promise<MediumContext> {
  const env = validateEnv({ ...process.env, ...overrides });
  return startContext([...rootInfrastructure(env), ...(Array.isArray(modules) ? modules : [modules])]);
}

/** A module context on a database of its own (see createIsolatedDatabase); closing it drops the database. */
export function startIsolatedModuleContext(
  label: string,
  modules: ModuleImport | ModuleImports,
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
