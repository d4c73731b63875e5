import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { CustomerTier, TokenService } from '../../src/shared/auth';
import { validateEnv } from '../../src/shared/config';
import { onIsolatedDatabase } from './test-database';

/** The subject of the admin token: the actor the ledger records for the tests' admin writes. */
export const ADMIN_SUB = 'admin-1';

/**
 * What the factories and row readers of test/support need of a running app, whether the
 * test talks to it over HTTP (TestApp) or calls its services (MediumContext).
 */
export interface Harness {
  dataSource: DataSource;
  /** A bearer header value for an admin. */
  admin: string;
  /** A bearer header value for a customer (not an admin). */
  customer(sub?: string, tier?: CustomerTier): string;
  /** A provider of any of the app's modules (an internal one too). */
  get<T = unknown>(token: Type<T> | string | symbol): T;
}

export interface TestApp extends Harness {
  app: NestFastifyApplication;
  http: TestAgent;
  close(): Promise<void>;
}

/** The bearer header values of an admin and of customers, signed by the app's own TokenService. */
export function bearers(tokens: TokenService): Pick<Harness, 'admin' | 'customer'> {
  const bearer = (token: string) => `Bearer ${token}`;
  return {
    admin: bearer(tokens.issue({ sub: ADMIN_SUB, admin: true })),
    customer: (sub = 'customer-1', tier: CustomerTier = 'STANDARD') => bearer(tokens.issue({ sub, tier })),
  };
}

/** Starts the real application (real PostgreSQL and Redis) for HTTP tests over supertest. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const env = validateEnv({ ...process.env, ...overrides });
  const app = await createApp(env);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request.agent(app.getHttpServer()),
    dataSource: app.get(DataSource),
    ...bearers(app.get(TokenService)),
    get: (type) => app.get(type, { strict: false }),
    close: () => app.close(),
  };
}

/** The real app on a database of its own (see createIsolatedDatabase); closing it drops the database. */
export function startIsolatedTestApp(label: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  return onIsolatedDatabase(label, (env) => startTestApp({ ...env, ...overrides }));
}

/** A Redis key prefix within the run's, for an app whose queues no other test file's app may serve. */
export function queuePrefix(name: string): string {
  return `${process.env.QUEUE_PREFIX}:${name}`;
}

/**
 * The real application with queues of its own and the reservation sweep an hour away:
 * nothing but the test file's own calls moves its reservations.
 */
export function startQuietTestApp(name: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ QUEUE_PREFIX: queuePrefix(name), RESERVATION_SWEEP_SECONDS: '3600', ...overrides });
}

/** A name no other test uses, so tests can share one database. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Admin writes and public reads of one collection, e.g. `/api/products`. Takes a getter
 * because test files start their app in beforeAll, after describe bodies have run.
 */
export function collection(app: () => TestApp, path: string) {
  const admin = () => app().admin;
  return {
    post: (body: unknown) =>
      app()
        .http.post(path)
        .set('authorization', admin())
        .send(body as object),
    patch: (id: number, body: unknown) =>
      app()
        .http.patch(`${path}/${id}`)
        .set('authorization', admin())
        .send(body as object),
    remove: (id: number) => app().http.delete(`${path}/${id}`).set('authorization', admin()),
    get: (id: number | string) => app().http.get(`${path}/${id}`),
  };
}
