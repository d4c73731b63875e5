import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { CustomerTier, TokenService } from '../../src/shared/auth';
import { validateEnv } from '../../src/shared/config';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  dataSource: DataSource;
  /** A bearer header value for an admin. */
  admin: string;
  /** A bearer header value for a customer (not an admin). */
  customer(sub?: string, tier?: CustomerTier): string;
  close(): Promise<void>;
}

/** Starts the real application (real PostgreSQL and Redis) for HTTP tests over supertest. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const env = validateEnv({ ...process.env, ...overrides });
  const app = await createApp(env);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const tokens = app.get(TokenService);
  const bearer = (token: string) => `Bearer ${token}`;
  return {
    app,
    http: request.agent(app.getHttpServer()),
    dataSource: app.get(DataSource),
    admin: bearer(tokens.issue({ sub: 'admin-1', admin: true })),
    customer: (sub = 'customer-1', tier: CustomerTier = 'STANDARD') => bearer(tokens.issue({ sub, tier })),
    close: () => app.close(),
  };
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
