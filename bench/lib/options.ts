import { parseArgs } from 'node:util';

export const SCENARIOS = [
  'quote',
  'catalog',
  'cache-memory',
  'checkout-hot',
  'checkout-spread',
  'flash-sale',
  'expiry-drain',
  'hostile',
  'outbox-relay',
  'soak',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Concurrent HTTP connections of every load run, and pgbench's client count. */
  connections: number;
  /** Seconds of each duration-bound HTTP run (quote, trivial route, catalog). */
  seconds: number;
  /** Rounds of the interleaved read runs (trivial, quote, catalog); medians are reported. */
  rounds: number;
  /** Seconds of each pgbench run. */
  pgbenchSeconds: number;
  /**
   * Seconds a scenario waits after its load before reading PostgreSQL's deadlock count: an
   * idle backend publishes its counters within 10 s. Less is quicker and may miss a
   * deadlock of the last seconds (one a request met still shows as its error).
   */
  statsSettleSeconds: number;
  quoteVariants: number;
  /** Variants the cache-memory scenario puts in the catalog read model. */
  cacheVariants: number;
  rules: number;
  hotCheckouts: number;
  spreadCheckouts: number;
  spreadVariants: number;
  expiryReservations: number;
  /** Requests of each hostile kind sent alone (the hostile scenario). */
  hostileRequests: number;
  /** Seconds expiry-drain waits for the last release before it reports the rest as errors. */
  drainTimeoutSeconds: number;
  /** Events outbox-relay commits for the app's relay to deliver to the bench's receiver. */
  outboxEvents: number;
  /** Seconds outbox-relay waits for the last delivery before it fails. */
  outboxTimeoutSeconds: number;
  /** Buyers of the flash-sale scenario, all at once. */
  flashBuyers: number;
  /** Units of the flash-sale variant: that many buyers get one, the others a 409. */
  flashUnits: number;
  /** Minutes of the soak's paced run (fractions allowed); 30 when soak runs alone, 1 in a larger selection. */
  minutes: number;
  /** A git ref whose build runs the same scenarios side by side with this checkout's (`--baseline`). */
  baseline?: string;
  /** Rounds of the side-by-side comparison, alternating which side goes first. */
  baselineRounds: number;
  only: ScenarioName[];
  out: string;
  keepDatabase: boolean;
  /** Directory for the app's V8 CPU profile (node --cpu-prof), written when it stops. */
  cpuProfileDir?: string;
}

const USAGE = `usage: npm run bench -- [options]
  --connections N          concurrent connections (and pgbench clients)   default 64
  --seconds N              length of each read run (trivial, quote, catalog) default 5
  --rounds N               interleaved rounds of the read runs (medians)  default 3
  --pgbench-seconds N      length of each pgbench run                     default 10
  --stats-settle-seconds N wait before counting deadlocks after a load    default 11
  --quote-variants N       variants priced by the quote scenario          default 1000
  --rules N                pricing rules in the database                  default 20
  --cache-variants N       variants cache-memory puts in the read model   default 100000
  --hot-checkouts N        customers checking out the hot variant         default 3000
  --spread-checkouts N     customers checking out 3-line carts            default 3000
  --spread-variants N      variants the 3-line carts pick from            default 10000
  --expiry-reservations N  reservations expiring at once                  default 10000
  --drain-timeout N        seconds to wait for the drain                  default 120
  --hostile-requests N     requests of each hostile kind sent alone       default 40
  --outbox-events N        events relayed to a local webhook receiver     default 10000
  --outbox-timeout N       seconds to wait for the last delivery          default 300
  --flash-buyers N         buyers of flash-sale, all at once              default 300
  --flash-units N          units flash-sale sells (the others get a 409)  default 100
                           (flash-sale runs twice: alone, then as flash-sale-loaded while
                           another process keeps one core busy)
  --minutes N              length of soak's paced run, fractions allowed  default 30 with
                           --only soak, 1 when soak is one of more scenarios (a full run)
  --baseline REF           also build REF (a git ref or commit) in a temporary folder and
                           run the selected scenarios on both builds, side by side, each
                           with a database of its own; prints and writes the comparison
                           (pgbench runs on this build's side: both ratios use its limit)
  --baseline-rounds N      rounds of the --baseline comparison (medians)  default 2
  --only a,b               run only these scenarios (${SCENARIOS.join(', ')})
  --out FILE               where to write the results                     default bench/results/latest.json
  --keep-db                keep the bench database afterwards (it is dropped by default)
  --cpu-prof DIR           profile the app with node --cpu-prof; the .cpuprofile lands in DIR`;

const DEFAULTS = {
  connections: 64,
  seconds: 5,
  rounds: 3,
  'pgbench-seconds': 10,
  'stats-settle-seconds': 11,
  'quote-variants': 1000,
  rules: 20,
  'cache-variants': 100_000,
  'hot-checkouts': 3000,
  'spread-checkouts': 3000,
  'spread-variants': 10000,
  'expiry-reservations': 10000,
  'drain-timeout': 120,
  'hostile-requests': 40,
  'outbox-events': 10_000,
  'outbox-timeout': 300,
  'flash-buyers': 300,
  'flash-units': 100,
  'baseline-rounds': 2,
} as const;

type NumericFlag = keyof typeof DEFAULTS;

/** Reads the flags; any bad one prints the usage and exits 2. */
export function parseOptions(argv: string[]): BenchOptions {
  const numeric = Object.fromEntries(
    Object.keys(DEFAULTS).map((flag) => [flag, { type: 'string' as const }]),
  ) as Record<NumericFlag, { type: 'string' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...numeric,
        only: { type: 'string' },
        minutes: { type: 'string' },
        out: { type: 'string', default: 'bench/results/latest.json' },
        'keep-db': { type: 'boolean', default: false },
        'cpu-prof': { type: 'string' },
        baseline: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return usage();

  const number = (flag: NumericFlag): number => {
    const raw = values[flag];
    if (raw === undefined) return DEFAULTS[flag];
    const parsed = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || parsed < 1)
      return usage(`--${flag} must be a positive integer`);
    return parsed;
  };
  const only = typeof values.only === 'string' ? values.only.split(',').map((name) => name.trim()) : [...SCENARIOS];
  const unknown = only.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) return usage(`unknown scenario: ${unknown.join(', ')}`);
  const minutes = soakMinutes(values.minutes, only);

  const options: BenchOptions = {
    connections: number('connections'),
    seconds: number('seconds'),
    rounds: number('rounds'),
    pgbenchSeconds: number('pgbench-seconds'),
    statsSettleSeconds: number('stats-settle-seconds'),
    quoteVariants: number('quote-variants'),
    cacheVariants: number('cache-variants'),
    rules: number('rules'),
    hotCheckouts: number('hot-checkouts'),
    spreadCheckouts: number('spread-checkouts'),
    spreadVariants: number('spread-variants'),
    expiryReservations: number('expiry-reservations'),
    drainTimeoutSeconds: number('drain-timeout'),
    hostileRequests: number('hostile-requests'),
    outboxEvents: number('outbox-events'),
    outboxTimeoutSeconds: number('outbox-timeout'),
    flashBuyers: number('flash-buyers'),
    flashUnits: number('flash-units'),
    baseline: typeof values.baseline === 'string' ? values.baseline : undefined,
    minutes,
    baselineRounds: number('baseline-rounds'),
    only: only as ScenarioName[],
    out: String(values.out),
    keepDatabase: values['keep-db'] === true,
    cpuProfileDir: typeof values['cpu-prof'] === 'string' ? values['cpu-prof'] : undefined,
  };
  if (options.spreadVariants < 3) return usage('--spread-variants must be at least 3');
  // A flash sale sells out: some buyers must be turned away for the 409s to be measured.
  if (options.flashUnits >= options.flashBuyers) return usage('--flash-units must be fewer than --flash-buyers');
  if (options.baseline !== undefined && !/^[\w./^~@{}][\w./^~@{}-]*$/.test(options.baseline))
    return usage('--baseline must be a git ref or commit');
  return options;
}

/** A soak asked for alone is a real one (30 minutes); within a full run it stays short. */
const SOAK_MINUTES_ALONE = 30;
const SOAK_MINUTES_IN_A_RUN = 1;
/** At least 6 s (a row a second), at most a day: every run of the bench ends. */
const SOAK_MINUTES_MIN = 0.1;
const SOAK_MINUTES_MAX = 24 * 60;

function soakMinutes(raw: string | boolean | undefined, only: string[]): number {
  if (raw === undefined) return only.length === 1 && only[0] === 'soak' ? SOAK_MINUTES_ALONE : SOAK_MINUTES_IN_A_RUN;
  const minutes = Number(raw);
  if (typeof raw !== 'string' || !/^\d+(\.\d+)?$/.test(raw) || minutes < SOAK_MINUTES_MIN || minutes > SOAK_MINUTES_MAX)
    return usage(`--minutes must be a number from ${SOAK_MINUTES_MIN} to ${SOAK_MINUTES_MAX}`);
  return minutes;
}

function usage(problem?: string): never {
  if (problem) console.error(`${problem}\n${USAGE}`);
  else process.stdout.write(`${USAGE}\n`);
  process.exit(problem ? 2 : 0);
}
