import { cpus, totalmem } from 'node:os';
import { ScenarioResult } from './context';
import { BenchOptions } from './options';
import { round } from './stats';

export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean;
}

/** The machine a report was measured on, and when. */
export interface Machine {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
}

export interface Report extends Machine {
  options: Partial<BenchOptions>;
  scenarios: Record<string, ScenarioResult>;
  memory: { peakRssMb: number; startupRssMb: number };
  targets: Target[];
}

const PEAK_RSS_TARGET_MB = 250;

export function thisMachine(): Machine {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/** Speed targets are goals; a correctness one (oversold, drift, errors, deadlocks) failing is a broken build. */
export function correctnessViolations(targets: Target[]): Target[] {
  return targets.filter((target) => !target.met && target.goal === '0');
}

/** The service's performance goals, each checked against this run's figures (only for the scenarios that ran). */
export function targetsOf(report: Pick<Report, 'scenarios' | 'memory'>): Target[] {
  const { scenarios } = report;
  const targets: Target[] = [];
  const ratio = (name: string, goal: number) => {
    const scenario = scenarios[name];
    if (scenario?.ratio === undefined) return;
    targets.push({
      what: `${name} ratio`,
      goal: `>= ${goal}`,
      measured: round(scenario.ratio, 2).toString(),
      met: scenario.ratio >= goal,
    });
  };
  const zero = (name: string, field: string) => {
    const value = scenarios[name]?.[field];
    if (typeof value !== 'number') return;
    targets.push({ what: `${name} ${field}`, goal: '0', measured: String(value), met: value === 0 });
  };
  ratio('checkout-hot', 0.6);
  ratio('checkout-spread', 0.5);
  ratio('quote', 0.6);
  ratio('catalog', 0.4);
  for (const name of ['checkout-hot', 'checkout-spread']) {
    const scenario = scenarios[name];
    if (!scenario) continue;
    targets.push({
      what: `${name} p99`,
      goal: '< 100 ms',
      measured: `${round(scenario.p99Ms)} ms`,
      met: scenario.p99Ms < 100,
    });
    for (const field of ['errors', 'oversold', 'deadlocks', 'auditDrift', 'reservationsMismatch']) zero(name, field);
  }
  const drain = scenarios['expiry-drain'];
  if (drain) {
    targets.push({
      what: 'expiry-drain releases/s',
      goal: '>= 2000',
      measured: round(drain.throughput, 0).toString(),
      met: drain.throughput >= 2000,
    });
    for (const field of ['errors', 'oversold', 'auditDrift']) zero('expiry-drain', field);
  }
  // Exactly `units` sold, every other buyer told so with a 409, no 503: anything else counts in `errors`.
  for (const name of ['flash-sale', 'flash-sale-loaded']) {
    for (const field of ['errors', 'oversold', 'auditDrift', 'reservationsMismatch']) zero(name, field);
  }
  // At least once is the relay's promise; on a healthy receiver anything but exactly once, in order, is a bug.
  for (const field of ['duplicates', 'outOfOrder', 'notDelivered']) zero('outbox-relay', field);
  for (const name of ['quote', 'catalog', 'quote-uncached', 'catalog-uncached', 'cache-memory', 'hostile']) {
    zero(name, 'errors');
  }
  for (const field of ['errors', 'unexpectedRefusals', 'oversold', 'auditDrift', 'deadlocks', 'reservationsMismatch']) {
    zero('soak', field);
  }
  const soakRss = scenarios.soak?.rss as SoakRss | undefined;
  if (soakRss) {
    targets.push({
      what: 'soak RSS end / after warm-up',
      goal: '<= 1.1',
      measured: `${soakRss.ratio} (${soakRss.afterWarmUpMb} -> ${soakRss.endMb} MB)`,
      met: soakRss.ratio <= 1.1,
    });
  }
  targets.push({
    what: 'peak RSS',
    goal: `< ${PEAK_RSS_TARGET_MB} MB`,
    measured: `${report.memory.peakRssMb} MB`,
    met: report.memory.peakRssMb < PEAK_RSS_TARGET_MB,
  });
  return targets;
}

export function printReport(report: Report): void {
  const rows = Object.entries(report.scenarios).map(([name, s]) => ({
    scenario: name,
    'per s': round(s.throughput, 0),
    'p50 ms': round(s.p50Ms),
    'p99 ms': round(s.p99Ms),
    errors: s.errors,
    'limit per s': s.limitThroughput === undefined ? '' : round(s.limitThroughput, 0),
    ratio: s.ratio === undefined ? '' : round(s.ratio, 2),
    'app CPU ms/req': typeof s.appCpuMsPerRequest === 'number' ? s.appCpuMsPerRequest : '',
    'peak RSS MB': s.peakRssMb as number,
  }));
  const out = process.stdout;
  out.write(machineLine(report));
  out.write(table(rows));
  for (const name of ['quote', 'catalog']) {
    const scenario = report.scenarios[name];
    if (scenario?.cacheSpeedup === undefined) continue;
    out.write(
      `\n${name}: ${scenario.cacheSpeedup} x the throughput without the catalog read model; ` +
        `read model hit rate ${scenario.cacheHitRate}`,
    );
  }
  const memory = report.scenarios['cache-memory'];
  if (memory) {
    out.write(`\ncache-memory: ${memory.viewsHeld} variant views held, app resident ${memory.residentMb} MB`);
  }
  const relay = report.scenarios['outbox-relay'];
  if (relay) {
    out.write(
      `\noutbox-relay: ${relay.events} events in ${relay.seconds} s (published in ${relay.publishSeconds} s); ` +
        `lag from commit to delivery p50 ${round(relay.p50Ms)} ms, p99 ${round(relay.p99Ms)} ms, ` +
        `max ${relay.maxLagMs} ms; ${relay.duplicates} duplicates, ${relay.outOfOrder} out of order; ` +
        `paced at ${relay.pacedPerSecond}/s: lag p50 ${relay.pacedP50Ms} ms, p99 ${relay.pacedP99Ms} ms`,
    );
  }
  for (const name of ['flash-sale', 'flash-sale-loaded']) {
    const sale = report.scenarios[name];
    if (sale) out.write(`\n${flashSaleLine(name, sale)}`);
  }
  if (report.scenarios.soak) out.write(`\n${soakSection(report.scenarios.soak)}`);
  out.write(
    `\napp peak RSS ${report.memory.peakRssMb} MB (after start ${report.memory.startupRssMb} MB)\n\ntargets:\n`,
  );
  for (const target of report.targets) {
    out.write(
      `  ${target.met ? 'met   ' : 'MISSED'}  ${target.what.padEnd(32)} ${target.goal.padEnd(10)} ${target.measured}\n`,
    );
  }
}

export function machineLine(machine: Machine): string {
  return `\n${machine.date}  node ${machine.node}  ${machine.cpus} x ${machine.cpuModel}  ${machine.memoryGiB} GiB\n`;
}

export function flashSaleLine(name: string, sale: ScenarioResult): string {
  const statuses = (counts: unknown) =>
    Object.entries(counts as Record<string, number>)
      .map(([status, count]) => `${count} x ${status}`)
      .join(', ');
  const busy = sale.busyCoreShare === undefined ? '' : ` (another process used ${sale.busyCoreShare} of a core)`;
  return (
    `${name}: ${sale.buyers} buyers for ${sale.units} units${busy}: checkouts ${statuses(sale.checkoutStatusCounts)}; ` +
    `adds ${statuses(sale.addStatusCounts)}; checkout p50 ${sale.p50Ms} ms, p99 ${sale.p99Ms} ms; ` +
    `add + checkout p50 ${sale.buyerP50Ms} ms, p99 ${sale.buyerP99Ms} ms; ` +
    `app CPU ${sale.appCpuMsPerCheckout} ms per checkout (its add included); ` +
    `oversold ${sale.oversold}, audit drift ${sale.auditDrift ?? 'not checked'}`
  );
}

interface SoakRss {
  afterWarmUpMb: number;
  endMb: number;
  ratio: number;
  verdict: string;
  warmUpSeconds: number;
}

interface SoakTableRow {
  fromSeconds: number;
  toSeconds: number;
  requests: number;
  errors: number;
  refused: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
  appCpuMsPerRequest: number;
  skipped: number;
}

/** The soak's rows, its RSS verdict and its checks. */
export function soakSection(soak: ScenarioResult): string {
  const rows = (soak.rows as SoakTableRow[]).map((row) => ({
    soak: `${clockTime(row.fromSeconds)}-${clockTime(row.toSeconds)}`,
    requests: row.requests,
    'per s': round((row.requests - row.errors) / Math.max(row.toSeconds - row.fromSeconds, 0.001), 0),
    errors: row.errors,
    '4xx': row.refused,
    'p50 ms': row.p50Ms,
    'p99 ms': row.p99Ms,
    'RSS MB': row.rssMb,
    'app CPU ms/req': row.appCpuMsPerRequest,
    skipped: row.skipped,
  }));
  const rss = soak.rss as SoakRss;
  const flows = soak.flows as {
    started: number;
    checkedOut: Record<string, number>;
    confirmed: number;
    cancelled: number;
  };
  const statuses = Object.entries(soak.statusCounts as Record<string, number>)
    .map(([status, count]) => `${count} x ${status}`)
    .join(', ');
  return (
    `soak: ${soak.minutes} min paced at ${soak.targetPerSecond}/s, 60 % of the probe's peak of ` +
    `${soak.peakPerSecond}/s (${soak.probeSeconds} s unthrottled)\n${table(rows)}` +
    `RSS after warm-up (median of ${rss.warmUpSeconds}-${2 * rss.warmUpSeconds} s) ${rss.afterWarmUpMb} MB, ` +
    `at the end (median of the last ${rss.warmUpSeconds} s) ${rss.endMb} MB: ratio ${rss.ratio}, ${rss.verdict}\n` +
    `answers ${statuses}; errors (5xx, no answer) ${soak.errors} with the probe's, other 4xx than 409 ` +
    `${soak.unexpectedRefusals}, skipped by the pacer ${soak.skipped}\n` +
    `flows ${flows.started}: checked out ${flows.checkedOut.confirm} then confirmed (${flows.confirmed}), ` +
    `${flows.checkedOut.cancel} then cancelled (${flows.cancelled}), ${flows.checkedOut.abandon} left to expire ` +
    `(${soak.expiredDuringSoak} expired by the app during the run); reservation mismatch ${soak.reservationsMismatch}, ` +
    `oversold ${soak.oversold}, audit drift ${soak.auditDrift ?? 'not checked'}, deadlocks ${soak.deadlocks}`
  );
}

/** Seconds as m:ss. */
export function clockTime(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '(no scenario ran)\n';
  const columns = Object.keys(rows[0]);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((c) => String(row[c])))),
  ]
    .join('\n')
    .concat('\n');
}
