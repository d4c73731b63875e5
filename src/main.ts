import 'reflect-metadata';
import pino from 'pino';
import { createApp } from './app.factory';
import { LifecycleLogger, MetricsServer } from './ops';
import { Env, readEnvironment, validateEnv } from './shared/config';
import { waitForDatabase } from './shared/database';

async function bootstrap(): Promise<void> {
  const env = validateEnv(readEnvironment());
  const log = startupLogger(env);
  try {
    await waitForDatabase(env.DATABASE_URL, env.DATABASE_STARTUP_TIMEOUT_SECONDS, log);
    const app = await createApp(env);
    await app.listen({ port: env.PORT, host: env.HOST });
    if (env.METRICS_PORT !== 0) await app.get(MetricsServer).listen(env.METRICS_PORT, env.HOST);
    app.get(LifecycleLogger).listening(env);
  } catch (error) {
    // One JSON line, not a stack dump: an unreachable database is an operator's matter.
    log.fatal({ cause: error instanceof Error ? error.message : String(error) }, 'The service could not start');
    process.exit(1);
  }
}

/** Logs before Nest's logger exists, in the same JSON shape; synchronous, so a fatal line is out before exit. */
function startupLogger(env: Env): pino.Logger {
  return pino(
    { level: env.LOG_LEVEL, base: { pid: process.pid, context: 'Startup' } },
    pino.destination({ sync: true }),
  );
}

bootstrap().catch((error: unknown) => {
  // Configuration errors: one plain line naming every problem, before any logger is set up.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
