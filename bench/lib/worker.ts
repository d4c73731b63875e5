import { fork, Serializable } from 'node:child_process';
import { join } from 'node:path';

/**
 * Sends `spec` to a script of dist/bench (forked: a process of its own, so that its CPU is
 * neither the orchestrator's nor the app's) and resolves with the one answer it sends
 * back. Before it, the worker may send `{ progress }` messages, each handed to
 * `onProgress`. Past `timeoutMs` the worker is killed, by its pid, and the call fails.
 */
export function runWorker<Spec extends Serializable, Result, Progress = never>(
  script: string,
  spec: Spec,
  timeoutMs?: number,
  onProgress?: (progress: Progress) => void,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = fork(join(__dirname, '..', script), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        worker.kill('SIGKILL');
        settle(() => reject(new Error(`${script} did not answer within ${Math.round(timeoutMs / 1000)} s`)));
      }, timeoutMs);
    }
    worker.on('message', (message: { progress?: Progress; result?: Result; error?: string }) => {
      if (message.progress !== undefined) {
        if (!settled) onProgress?.(message.progress);
        return;
      }
      settle(() => (message.result ? resolve(message.result) : reject(new Error(`${script}: ${message.error}`))));
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`${script} exited with code ${code} before answering`))),
    );
    worker.send(spec);
  });
}
