import { ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { TokenService } from '../../src/shared/auth';
import { validateEnv } from '../../src/shared/config';
import { bearers, Harness } from './test-app';
import { onIsolatedDatabase } from './test-database';

/**
 * The app's modules compiled and initialised as they run in production (providers,
 * queues and their processors, event listeners, the after-commit hooks), against the
 * run's PostgreSQL database and Redis prefix, with no HTTP server: medium tests call
 * the services themselves, immich's `test/medium` style.
 */
export interface MediumContext extends Harness {
  moduleRef: TestingModule;
  close(): Promise<void>;
}

/**
 * Compiles AppModule with the run's environment plus `overrides`; `imports` adds
 * modules a test needs beside the app's (e.g. a queue of its own).
 */
export async function startMediumContext(
  overrides: Record<string, string> = {},
  imports: NonNullable<ModuleMetadata['imports']> = [],
): Promise<MediumContext> {
  const env = validateEnv({ ...process.env, ...overrides });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(env), ...imports] }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    dataSource: moduleRef.get(DataSource),
    ...bearers(moduleRef.get(TokenService)),
    get: (type) => moduleRef.get(type, { strict: false }),
    close: () => moduleRef.close(),
  };
}

/** A medium context on a database of its own (see createIsolatedDatabase); closing it drops the database. */
export function startIsolatedMediumContext(
  label: string,
  overrides: Record<string, string> = {},
): Promise<MediumContext> {
  return onIsolatedDatabase(label, (env) => startMediumContext({ ...env, ...overrides }));
}
