import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareWithBaseline } from './baseline';
import { CURRENT_BUILD } from './lib/bench-app';
import { BenchOptions, parseOptions } from './lib/options';
import { pgbenchAvailable } from './lib/pgbench';
import { correctnessViolations, printReport, Report, targetsOf, thisMachine } from './lib/report';
import { step } from './lib/step';
import { newRunId, runSide } from './side';

/**
 * `npm run bench`: the built app in its own process on a fresh database and Redis
 * prefix, load from another process, pgbench for the physical limit; prints a table
 * and writes the results (bench/results/latest.json by default). With --baseline, the
 * same for another commit's build and this one, side by side (baseline.ts).
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!(await pgbenchAvailable()))
    throw new Error('pgbench is not installed (Debian: apt-get install postgresql-client)');
  mkdirSync(dirname(options.out), { recursive: true });
  if (options.baseline !== undefined) await compareWithBaseline(options, options.baseline);
  else await benchThisBuild(options);
}

async function benchThisBuild(options: BenchOptions): Promise<void> {
  const runId = newRunId();
  const side = await runSide({
    options,
    build: CURRENT_BUILD,
    appLabel: 'the app',
    databaseName: `bench_${runId}`,
    redisPrefix: `bench-${runId}`,
    runTag: runId,
    logFile: join(dirname(options.out), 'app.log'),
    uncachedComparison: true,
    measuresLimits: true,
  });
  const report: Report = {
    ...thisMachine(),
    options: { ...options, out: undefined },
    scenarios: side.scenarios,
    memory: side.memory,
    targets: [],
  };
  report.targets = targetsOf(report);
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  step(`results written to ${options.out}`);
  const broken = correctnessViolations(report.targets);
  if (broken.length > 0) {
    console.error(`correctness under load violated: ${broken.map((target) => target.what).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
