import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Env } from '../shared/config';
import { QUEUE_BOARD_PATH } from './queue-board.auth';

/** The process's role: this build serves HTTP and works the queues in the same process. */
const ROLE = 'api+worker';

/** One line when the service starts to serve, and one at the start and the end of its shutdown. */
@Injectable()
export class LifecycleLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  /** Called by main.ts once the server listens. */
  listening(env: Env): void {
    const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
    const url = `http://${host}:${env.PORT}`;
    const metrics = env.METRICS_PORT === 0 ? `${url}/metrics` : `http://${host}:${env.METRICS_PORT}/metrics`;
    this.logger.log(
      { url, docs: `${url}/docs`, role: ROLE, metrics, queueBoard: `${url}${QUEUE_BOARD_PATH}` },
      `Listening on ${url} (docs ${url}/docs, role ${ROLE})`,
    );
  }

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log({ signal }, 'Shutting down: finishing requests in flight, then closing queues and the pool');
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log({ signal }, 'Shut down');
    // Nest re-raises the signal next, which ends the process before the asynchronous log
    // destination would write this last line by itself.
    await new Promise<void>((resolve) => (PinoLogger.root ? PinoLogger.root.flush(() => resolve()) : resolve()));
  }
}
