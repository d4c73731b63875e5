import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { processCpuMs } from './bench-app';

/**
 * Another process keeping one core busy, as a noisy neighbour on a shared machine would:
 * a `node -e` busy loop. It ends by itself at `maxMs` whatever happens to the bench, and
 * `stop()` ends it sooner, by its own pid.
 */
export class BusyCore {
  private readonly startedAt = Date.now();

  private constructor(private readonly child: ChildProcess) {}

  static async start(maxMs: number): Promise<BusyCore> {
    const loop = `const end = Date.now() + ${Math.round(maxMs)}; while (Date.now() < end);`;
    const child = spawn(process.execPath, ['-e', loop], { stdio: 'ignore' });
    await once(child, 'spawn');
    return new BusyCore(child);
  }

  /** Stops the loop; returns the share of one core it used while it ran (about 1 when it got its core). */
  async stop(): Promise<number> {
    const cpuMs = processCpuMs(this.child.pid);
    const share = cpuMs / Math.max(Date.now() - this.startedAt, 1);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGKILL');
      await exited;
    }
    return share;
  }
}
