import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { EventEmitter, once } from 'node:events';
import pino from 'pino';
import { Env } from '../shared/config';
import { QUEUE_BOARD_PATH } from './queue-board.auth';

/** The longest shutdown waits for its last log line to be written. */
const DRAIN_WAIT_MS = 1_000;

/** How the listening line names each APP_ROLE. */
const ROLE_NAMES: Record<Env['APP_ROLE'], string> = { all: 'api+worker', api: 'api', worker: 'worker' };

/** One line when the service starts to serve, and one at the start and the end of its shutdown. */
@Injectable()
export class LifecycleLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  /** Called by main.ts once the server listens. */
  listening(env: Env): void {
    const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
    const url = `http://${host}:${env.PORT}`;
    const role = ROLE_NAMES[env.APP_ROLE];
    const metrics = env.METRICS_PORT === 0 ? `${url}/metrics` : `http://${host}:${env.METRICS_PORT}/metrics`;
    this.logger.log(
      { url, docs: `${url}/docs`, role, metrics, queueBoard: `${url}${QUEUE_BOARD_PATH}` },
      `Listening on ${url} (docs ${url}/docs, role ${role})`,
    );
  }

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log({ signal }, 'Shutting down: finishing requests in flight, then closing queues and the pool');
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log({ signal }, 'Shut down');
    // Nest re-raises the signal next, which ends the process at once: wait until the
    // asynchronous log destination has written everything, this last line included.
    // Its flush() answers at once while a write is still in flight; 'drain' comes after.
    const root = PinoLogger.root as unknown as Record<symbol, unknown> | undefined;
    const destination = root?.[pino.symbols.streamSym] as (EventEmitter & { _writing?: boolean }) | undefined;
    if (destination?._writing !== true) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      once(destination, 'drain'),
      new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
  }
}
