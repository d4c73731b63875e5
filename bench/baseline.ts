import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prepareBaseline } from './lib/baseline-build';
import { AppBuild, CURRENT_BUILD } from './lib/bench-app';
import {
  BaselineComparison,
  BaselineRound,
  compareRound,
  medianComparison,
  printComparison,
  SIDES,
  SideName,
} from './lib/baseline-report';
import { SideResult } from './lib/context';
import { BenchOptions } from './lib/options';
import { correctnessViolations, Machine, targetsOf, thisMachine } from './lib/report';
import { step } from './lib/step';
import { newRunId, runSide } from './side';

/** What --baseline writes to --out. */
export interface BaselineReport extends Machine {
  options: Partial<BenchOptions>;
  baseline: BaselineComparison;
  /** Correctness failures of either side in any round (oversold, drift, deadlocks, errors): the run fails on one. */
  violations: string[];
}

/**
 * `--baseline REF`: the selected scenarios against REF's build and this checkout's, in
 * `--baseline-rounds` rounds. In each round each side gets a fresh database and Redis
 * prefix and an app process of its own, started for it and stopped after; the sides
 * alternate who goes first (baseline in odd rounds), so a machine whose load drifts
 * favours neither. This checkout's bench code drives both. pgbench runs on the current
 * side only (its script is this checkout's reservation statement): both sides' ratios
 * use that limit, from the same round.
 */
export async function compareWithBaseline(options: BenchOptions, ref: string): Promise<void> {
  const baseline = await prepareBaseline(ref, step);
  const builds: Record<SideName, AppBuild> = {
    baseline: { entry: baseline.entry, cwd: baseline.root },
    current: CURRENT_BUILD,
  };
  const runId = newRunId();
  const rounds: BaselineRound[] = [];
  const violations: string[] = [];
  for (let round = 1; round <= options.baselineRounds; round++) {
    const order: SideName[] = round % 2 === 1 ? ['baseline', 'current'] : ['current', 'baseline'];
    const sides = {} as Record<SideName, SideResult>;
    for (const side of order) {
      step(`round ${round} of ${options.baselineRounds}: ${side === 'baseline' ? `baseline ${ref}` : 'current build'}`);
      const tag = `${runId}_${side}_${round}`;
      sides[side] = await runSide({
        options,
        build: builds[side],
        appLabel: side === 'baseline' ? `the app of ${ref}` : 'the app of this checkout',
        databaseName: `bench_${tag}`,
        redisPrefix: `bench-${tag}`,
        runTag: tag,
        logFile: join(dirname(options.out), `app-${side}-${round}.log`),
        // The other build is the comparison here; a second app per side would only add noise.
        uncachedComparison: false,
        measuresLimits: side === 'current',
      });
      violations.push(...sideViolations(sides[side], `round ${round} ${side}`));
    }
    rounds.push(compareRound(round, order, sides));
  }

  const report: BaselineReport = {
    ...thisMachine(),
    options: { ...options, out: undefined },
    baseline: {
      ref,
      sha: baseline.sha,
      rounds,
      medians: medianComparison(rounds),
      withoutFeatures: Object.fromEntries(
        SIDES.map((side) => [side, [...new Set(rounds.flatMap((round) => round.sides[side].withoutFeatures))]]),
      ) as Record<SideName, string[]>,
    },
    violations,
  };
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  printComparison(report, report.baseline);
  step(`results written to ${options.out}`);
  if (violations.length > 0) {
    console.error(`correctness under load violated: ${violations.join(', ')}`);
    process.exitCode = 1;
  }
}

/** The side's correctness failures, as the single-build run judges them. */
function sideViolations(side: SideResult, label: string): string[] {
  return correctnessViolations(targetsOf(side)).map((target) => `${label}: ${target.what} ${target.measured}`);
}
