import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';

export interface PeriodicJob {
  /** The job's name on the queue (its processor's `@Process` name). */
  name: string;
  everyMs: number;
  /**
   * The same work, run in this process while the queue's Redis is unreachable, so that
   * what must happen on time (releasing overdue stock) does not wait for Redis to return.
   */
  runWhileQueueIsDown?: () => Promise<unknown>;
}

/**
 * Keeps a repeatable job scheduled on `queue`. Redis may lose everything (a restart
 * without persistence, a failover): the schedule is added again whenever the queue's
 * connection becomes ready, at start and after every reconnect. Repeatable jobs are
 * keyed by name and interval, so adding one again, from any instance, keeps one.
 * Returns a function that stops the local fallback timer.
 */
export function keepPeriodicJob(queue: Queue, job: PeriodicJob, logger: Logger): () => void {
  const schedule = () =>
    queue
      .add(job.name, {}, { repeat: { every: job.everyMs }, removeOnComplete: true, removeOnFail: 100 })
      .catch((error: unknown) => logger.warn({ err: error }, `Could not schedule the ${job.name} job; will retry`));
  queue.client.on('ready', () => void schedule());
  if (queue.client.status === 'ready') void schedule();

  const runWhileDown = job.runWhileQueueIsDown;
  if (!runWhileDown) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (queue.client.status === 'ready' || running) return;
    running = true;
    runWhileDown()
      .catch((error: unknown) => logger.warn({ err: error }, `The ${job.name} run without Redis failed; will retry`))
      .finally(() => (running = false));
  }, job.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
