import { ScenarioResult, SideResult } from './context';
import { flashSaleLine, Machine, machineLine, table } from './report';
import { median, round } from './stats';

export const SIDES = ['baseline', 'current'] as const;
export type SideName = (typeof SIDES)[number];

/** One side's headline figures for one scenario. */
export interface SideFigures {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  appCpuMsPerRequest?: number;
  limitThroughput?: number;
  ratio?: number;
  errors: number;
}

/** One scenario on both sides, and how the current build differs from the baseline. */
export interface ScenarioComparison {
  baseline?: SideFigures;
  current?: SideFigures;
  /** The current build's throughput against the baseline's, in per cent of the baseline's. */
  throughputChangePct?: number;
  /** The current build's app CPU per request against the baseline's, in per cent of the baseline's. */
  cpuChangePct?: number;
  /** Set when the baseline's limit is the current side's pgbench of the same round (it runs there only). */
  baselineLimitFrom?: 'current';
}

export interface BaselineRound {
  round: number;
  /** Which side ran first. */
  order: SideName[];
  comparison: Record<string, ScenarioComparison>;
  /** Everything each side reported, as a single-build run reports it. */
  sides: Record<SideName, SideResult>;
}

export interface BaselineComparison {
  ref: string;
  sha: string;
  rounds: BaselineRound[];
  /** Each figure's median over the rounds (errors summed), and the changes between those medians. */
  medians: Record<string, ScenarioComparison>;
  /** What the bench left out on each side, over all rounds (an older build lacks columns or routes). */
  withoutFeatures: Record<SideName, string[]>;
}

/**
 * The round's scenarios side by side. A baseline scenario without a limit of its own (the
 * checkouts: pgbench runs on the current side only) takes the current side's, so both
 * ratios are against the same limit, measured in the same round.
 */
export function compareRound(
  roundNumber: number,
  order: SideName[],
  sides: Record<SideName, SideResult>,
): BaselineRound {
  const comparison: Record<string, ScenarioComparison> = {};
  for (const name of scenarioNames(sides.current.scenarios, sides.baseline.scenarios)) {
    const current = figuresOf(sides.current.scenarios[name]);
    const baseline = figuresOf(sides.baseline.scenarios[name]);
    const borrowsLimit = baseline?.limitThroughput === undefined && current?.limitThroughput !== undefined;
    comparison[name] = withChanges(
      borrowsLimit
        ? {
            baseline: {
              ...baseline!,
              limitThroughput: current.limitThroughput,
              ratio: baseline!.throughput / current.limitThroughput!,
            },
            current,
            baselineLimitFrom: 'current',
          }
        : { baseline, current },
    );
  }
  return { round: roundNumber, order, comparison, sides };
}

/** Each side's figures as medians over the rounds, errors summed; the changes are between the medians. */
export function medianComparison(rounds: BaselineRound[]): Record<string, ScenarioComparison> {
  const names = scenarioNames(...rounds.map((entry) => entry.comparison));
  const medians: Record<string, ScenarioComparison> = {};
  for (const name of names) {
    const comparisons = rounds.map((entry) => entry.comparison[name]).filter(Boolean);
    const sideMedian = (side: SideName) => medianFigures(comparisons.flatMap((c) => (c[side] ? [c[side]] : [])));
    medians[name] = withChanges({
      baseline: sideMedian('baseline'),
      current: sideMedian('current'),
      ...(comparisons.some((c) => c.baselineLimitFrom) && { baselineLimitFrom: 'current' as const }),
    });
  }
  return medians;
}

export function printComparison(machine: Machine, comparison: BaselineComparison): void {
  const out = process.stdout;
  const { ref, sha, rounds } = comparison;
  out.write(machineLine(machine));
  out.write(`${ref} (${sha.slice(0, 12)}, "baseline") against this checkout ("current"), ${rounds.length} round(s)\n`);
  for (const entry of rounds) {
    out.write(`\nround ${entry.round} (${entry.order[0]} first)\n`);
    out.write(table(comparisonRows(entry.comparison, ref)));
    for (const side of SIDES) {
      for (const name of ['flash-sale', 'flash-sale-loaded']) {
        const sale = entry.sides[side].scenarios[name];
        if (sale) out.write(`  ${sideLabel(side, ref)} ${flashSaleLine(name, sale)}\n`);
      }
    }
  }
  out.write(`\nmedians over ${rounds.length} round(s)\n`);
  out.write(table(comparisonRows(comparison.medians, ref)));
  out.write(
    "\nper s: throughput; app CPU: the app process's CPU per request; change: current against baseline. " +
      "limit: pgbench on the current side for the checkouts (both sides' ratios use it), " +
      "each side's own GET /health for quote and catalog.\n",
  );
  for (const side of SIDES) {
    const without = comparison.withoutFeatures[side];
    if (without.length > 0) out.write(`${sideLabel(side, ref)} ran without: ${without.join('; ')}\n`);
  }
}

function comparisonRows(comparisons: Record<string, ScenarioComparison>, ref: string): Record<string, string>[] {
  return Object.entries(comparisons).flatMap(([name, comparison]) => [
    figuresRow(name, sideLabel('baseline', ref), comparison.baseline),
    figuresRow('', sideLabel('current', ref), comparison.current),
    {
      ...figuresRow('', 'change', undefined, ''),
      'per s': percent(comparison.throughputChangePct),
      'app CPU ms/req': percent(comparison.cpuChangePct),
    },
  ]);
}

function figuresRow(scenario: string, build: string, figures?: SideFigures, missing = '-'): Record<string, string> {
  const show = (value: number | undefined, digits: number) =>
    value === undefined ? missing : String(round(value, digits));
  return {
    scenario,
    build,
    'per s': show(figures?.throughput, 0),
    'p50 ms': show(figures?.p50Ms, 1),
    'p99 ms': show(figures?.p99Ms, 1),
    'app CPU ms/req': show(figures?.appCpuMsPerRequest, 2),
    'limit per s': show(figures?.limitThroughput, 0),
    ratio: show(figures?.ratio, 2),
    errors: show(figures?.errors, 0),
  };
}

function sideLabel(side: SideName, ref: string): string {
  return side === 'baseline' ? ref : 'current';
}

function percent(change: number | undefined): string {
  if (change === undefined) return '';
  return `${change > 0 ? '+' : ''}${change} %`;
}

function figuresOf(result: ScenarioResult | undefined): SideFigures | undefined {
  if (!result) return undefined;
  const cpu = result.appCpuMsPerRequest;
  return {
    throughput: result.throughput,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    ...(typeof cpu === 'number' && { appCpuMsPerRequest: cpu }),
    ...(result.limitThroughput !== undefined && { limitThroughput: result.limitThroughput }),
    ...(result.ratio !== undefined && { ratio: result.ratio }),
    errors: result.errors,
  };
}

function medianFigures(figures: SideFigures[]): SideFigures | undefined {
  if (figures.length === 0) return undefined;
  const of = (pick: (figure: SideFigures) => number | undefined) =>
    median(figures.map(pick).filter((value): value is number => value !== undefined));
  return {
    throughput: of((figure) => figure.throughput)!,
    p50Ms: of((figure) => figure.p50Ms)!,
    p99Ms: of((figure) => figure.p99Ms)!,
    appCpuMsPerRequest: of((figure) => figure.appCpuMsPerRequest),
    limitThroughput: of((figure) => figure.limitThroughput),
    ratio: of((figure) => figure.ratio),
    errors: figures.reduce((sum, figure) => sum + figure.errors, 0),
  };
}

function withChanges(comparison: ScenarioComparison): ScenarioComparison {
  const { baseline, current } = comparison;
  return {
    ...comparison,
    throughputChangePct: changePct(current?.throughput, baseline?.throughput),
    cpuChangePct: changePct(current?.appCpuMsPerRequest, baseline?.appCpuMsPerRequest),
  };
}

function changePct(current: number | undefined, baseline: number | undefined): number | undefined {
  if (current === undefined || baseline === undefined || baseline === 0) return undefined;
  return round(((current - baseline) / baseline) * 100, 1);
}

/** The scenarios of all the records, in the order they first appear. */
function scenarioNames(...records: Record<string, unknown>[]): string[] {
  return [...new Set(records.flatMap((record) => Object.keys(record)))];
}
