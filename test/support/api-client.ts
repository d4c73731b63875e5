import { AddressInfo } from 'node:net';
import createClient, { Client } from 'openapi-fetch';
import type { paths } from '../../console/src/api/schema';
import { startTestApp, TestApp } from './test-app';

/**
 * A client typed by console/src/api/schema.d.ts, which openapi-typescript generates from the
 * OpenAPI document (`npm run openapi:client`): a request or an answer that the document
 * does not describe fails to compile.
 */
export type ApiClient = Client<paths>;

export interface ListeningTestApp extends TestApp {
  /** Where the app listens, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** A client that sends the given Authorization header value (e.g. `t.admin`), or none. */
  client(authorization?: string): ApiClient;
}

/** The real application (see startTestApp), listening on a free port of 127.0.0.1. */
export async function startListeningTestApp(overrides: Record<string, string> = {}): Promise<ListeningTestApp> {
  const t = await startTestApp(overrides);
  try {
    await t.app.listen(0, '127.0.0.1');
  } catch (error) {
    await t.close();
    throw error;
  }
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { ...t, baseUrl, client: (authorization) => apiClient(baseUrl, authorization) };
}

export function apiClient(baseUrl: string, authorization?: string): ApiClient {
  return createClient<paths>({ baseUrl, headers: authorization ? { authorization } : {} });
}

/** What an openapi-fetch call resolves to: `data` on a documented success, `error` otherwise. */
interface ApiResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * The body of a call that must answer `status`; any other answer fails the test with the
 * request, the status and the body (a problem+json explains itself).
 */
export async function expectStatus<D>(call: Promise<ApiResult<D>>, status: number): Promise<D> {
  const { data, error, response } = await call;
  if (response.status !== status || data === undefined) {
    const body = JSON.stringify(error ?? data ?? null);
    throw new Error(`${response.url} answered ${response.status}, expected ${status}: ${body}`);
  }
  return data;
}
