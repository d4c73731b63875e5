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
