import 'reflect-metadata';
import { createApp } from './app.factory';
import { LifecycleLogger } from './ops/lifecycle.logger';
import { MetricsServer } from './ops/metrics.server';
import { readEnvironment, validateEnv } from './shared/config';

async function bootstrap(): Promise<void> {
  const env = validateEnv(readEnvironment());
  const app = await createApp(env);
  await app.listen({ port: env.PORT, host: env.HOST });
  if (env.METRICS_PORT !== 0) await app.get(MetricsServer).listen(env.METRICS_PORT, env.HOST);
  app.get(LifecycleLogger).listening(env);
}

bootstrap().catch((error: unknown) => {
  // One clear line, not a stack: the usual causes are configuration and an unreachable database.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
