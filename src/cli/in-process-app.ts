import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../app.factory';
import { Env } from '../shared/config';

/**
 * The whole app, initialised but listening on no port: commands that read or write
 * through its HTTP API (seed, audit) go through the same validation and module
 * boundaries as any client.
 */
export async function withInProcessApp<T>(env: Env, work: (app: NestFastifyApplication) => Promise<T>): Promise<T> {
  const app = await createApp(env);
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return await work(app);
  } finally {
    await app.close();
  }
}
