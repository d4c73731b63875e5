import { ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, resolve as resolvePath } from 'node:path';

const READY_TIMEOUT_MS = 60_000;
const RSS_SAMPLE_MS = 200;
/** As `npm run start:prod` and the Dockerfile run the app. */
const APP_NODE_FLAGS = ['--max-old-space-size=192'];
// USER_HZ: Linux reports process times in 1/100 s on every architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** Which build to run: its dist/src/main.js, and the working directory it starts in (where it reads a .env). */
export interface AppBuild {
  entry: string;
  cwd: string;
}

/** The build beside this bench (dist/bench/lib is next to dist/src), started where the bench was. */
export const CURRENT_BUILD: AppBuild = {
  entry: join(__dirname, '..', '..', 'src', 'main.js'),
  cwd: process.cwd(),
};

/**
 * The built app (dist/src/main.js of this checkout, or of another build) in a process of
 * its own, as ops would run it, with the bench's environment. Its logs go to a file, not
 * to the bench's terminal.
 */
export class BenchApp {
  private peakSinceMark = 0;
  private readonly sampler: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.sampler = setInterval(() => {
      this.peakSinceMark = Math.max(this.peakSinceMark, this.memoryMb('VmRSS'));
    }, RSS_SAMPLE_MS);
    this.sampler.unref();
  }

  static async start(
    env: Record<string, string>,
    logFile: string,
    { build = CURRENT_BUILD, cpuProfileDir }: { build?: AppBuild; cpuProfileDir?: string } = {},
  ): Promise<BenchApp> {
    const log = openSync(logFile, 'w');
    const profiling = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolvePath(cpuProfileDir)}`] : [];
    const child = spawn(process.execPath, [...profiling, ...APP_NODE_FLAGS, build.entry], {
      cwd: build.cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
    const url = `http://127.0.0.1:${env.PORT}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}; see ${logFile}`);
      if (await answers(`${url}/health/ready`)) return new BenchApp(child, url);
      await sleep(250);
    }
    child.kill('SIGKILL');
    throw new Error(`the app was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
  }

  /** The highest resident set size sampled since the last call (MiB); starts a new interval. */
  takePeakRssMb(): number {
    const peak = Math.max(this.peakSinceMark, this.memoryMb('VmRSS'));
    this.peakSinceMark = 0;
    return peak;
  }

  /** The process's resident set size now (VmRSS, MiB); 0 once it has gone. */
  rssMb(): number {
    return this.memoryMb('VmRSS');
  }

  /** The kernel's high-water mark of the process's resident set (MiB), over its whole life. */
  lifetimePeakRssMb(): number {
    return this.memoryMb('VmHWM');
  }

  /** CPU time (user + system) the app's process has used so far, in milliseconds. */
  cpuMs(): number {
    return processCpuMs(this.child.pid);
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000).then(() => this.child.kill('SIGKILL'))]);
  }

  private memoryMb(field: 'VmRSS' | 'VmHWM'): number {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      return Math.round((kb / 1024) * 10) / 10;
    } catch {
      return 0; // the process has gone
    }
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds; 0 once it has gone. */
export function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
