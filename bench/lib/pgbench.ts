import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './stats';

const run = promisify(execFile);

export interface PgbenchResult {
  tps: number;
  transactions: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs a pgbench script (its text; see checkout-scripts.ts) with pgbench (Debian's
 * postgresql-client) against the bench database: extended protocol like node-postgres, `clients` connections, two
 * threads. Latencies come from pgbench's per-transaction log.
 */
export async function pgbench(options: {
  databaseUrl: string;
  script: string;
  clients: number;
  seconds: number;
  variables: Record<string, number>;
}): Promise<PgbenchResult> {
  const logDir = mkdtempSync(join(tmpdir(), 'bench-pgbench-'));
  const scriptFile = join(logDir, 'script.sql');
  try {
    writeFileSync(scriptFile, options.script);
    const args = [
      '--no-vacuum',
      '--protocol=extended',
      `--client=${options.clients}`,
      '--jobs=2',
      `--time=${options.seconds}`,
      `--file=${scriptFile}`,
      ...Object.entries(options.variables).map(([name, value]) => `--define=${name}=${value}`),
      '--log',
      `--log-prefix=${join(logDir, 'tx')}`,
      options.databaseUrl,
    ];
    const { stdout } = await run('pgbench', args, { maxBuffer: 16 * 1024 * 1024, cwd: logDir });
    const tps = Number(/^tps = ([\d.]+)/m.exec(stdout)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    if (!Number.isFinite(tps) || !Number.isFinite(transactions))
      throw new Error(`unexpected pgbench output:\n${stdout}`);
    const latenciesMs = readdirSync(logDir)
      .filter((file) => file !== 'script.sql')
      .flatMap((file) =>
        readFileSync(join(logDir, file), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => Number(line.split(' ')[2]) / 1000),
      );
    return { tps, transactions, failed, p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99) };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

export async function pgbenchAvailable(): Promise<boolean> {
  try {
    await run('pgbench', ['--version']);
    return true;
  } catch {
    return false;
  }
}
