import Bull from 'bull';

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;
type Patchable = Record<'setWorkerName' | 'process', AsyncMethod>;

/**
 * Bull 4 starts two pieces of background work in promises nobody awaits: naming a
 * queue's blocking connection (CLIENT SETNAME) and starting a processor, whose promise
 * @nestjs/bull drops. When the queue closes before Redis was ever reachable (an instance
 * started during a Redis outage, then stopped), both reject, unhandled, and Node turns
 * that into a crash at shutdown. Failures while processing are emitted as the queue's
 * 'error' events anyway (and logged by logQueueErrors), so the rejections carry nothing
 * to act on.
 */
const prototype = Bull.prototype as unknown as Patchable;
for (const method of ['setWorkerName', 'process'] as const) {
  const original = prototype[method];
  prototype[method] = function (this: unknown, ...args: unknown[]) {
    const started = original.apply(this, args);
    started.catch(() => undefined);
    return started;
  };
}
