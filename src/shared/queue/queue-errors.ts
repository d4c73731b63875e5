import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';

const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Logs a queue's Redis errors at most once a minute. Without a listener Bull prints them
 * to the console, and with Redis down they repeat on every reconnect attempt.
 */
export function logQueueErrors(queue: Queue, logger: Logger, message: string): void {
  let lastLoggedAt = 0;
  queue.on('error', (error: unknown) => {
    if (Date.now() - lastLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    lastLoggedAt = Date.now();
    logger.warn({ err: error }, message);
  });
}
