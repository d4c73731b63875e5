import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

/** Used when JWT_SECRET is unset outside production; the app logs a warning. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;
/** `api` serves HTTP and enqueues jobs; `worker` processes the jobs and serves health only; `all` does both. */
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

/**
 * An integer setting from min to max (or without an upper bound), given in the environment as a string of digits.
 * Applied bottom-up like the decorators it stands for, so errors read as they did.
 */
function IntSetting(min: number, max?: number): PropertyDecorator {
  const decorators = [Transform(toInt), IsInt(), Min(min), ...(max === undefined ? [] : [Max(max)])];
  return (target, key) => [...decorators].reverse().forEach((decorate) => decorate(target, key as string));
}

/** The process environment after validation: typed, with defaults applied. */
export class Env {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IntSetting(0, 65535)
  PORT = 3000;

  @IsIn(APP_ROLES)
  APP_ROLE: AppRole = 'all';

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/commerce';

  /**
   * The connection that LISTENs for invalidations; it holds a session, so behind a pooler
   * in transaction mode point it at PostgreSQL itself or a session-mode pool. Defaults to
   * DATABASE_URL.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_LISTEN_URL must be a postgres:// URL' })
  DATABASE_LISTEN_URL?: string;

  /**
   * A streaming replica for reads that may lag a little (catalog lists, the category tree,
   * webhook delivery history); never used for stock, reservations, checkout or a cart's prices.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_REPLICA_URL must be a postgres:// URL' })
  DATABASE_REPLICA_URL?: string;

  /** A replica further behind the primary than this (or down) is not read; its reads go to the primary. */
  @IntSetting(0, 600_000)
  REPLICA_MAX_LAG_MS = 1_000;

  @IntSetting(1, 200)
  DATABASE_POOL_SIZE = 10;

  /** Connections kept for plain reads (catalog, quotes, stock reads) beside the pool; 0 shares the pool. */
  @IntSetting(0, 200)
  DATABASE_READ_POOL_SIZE = 5;

  /** How long a request waits for a pooled connection before it is answered 503. */
  @IntSetting(100, 60_000)
  DATABASE_ACQUIRE_TIMEOUT_MS = 2_000;

  /**
   * How long a statement may wait for a row lock (a checkout on a locked stock row) before
   * giving up with 503. PostgreSQL counts the wait in a row's queue and the wait for its
   * holder separately, so a statement may wait up to about twice this.
   */
  @IntSetting(100, 60_000)
  DATABASE_LOCK_TIMEOUT_MS = 1_000;

  /** The longest any one statement may run. */
  @IntSetting(100, 600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 10_000;

  /** A transaction left idle this long (a stuck process) is ended by PostgreSQL, releasing its locks. */
  @IntSetting(100, 600_000)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

  /** How long start-up keeps trying to reach PostgreSQL before it gives up. */
  @IntSetting(0, 3_600)
  DATABASE_STARTUP_TIMEOUT_SECONDS = 180;

  /** 0 serves /metrics on PORT; another port serves it there only, so PORT can face the public. */
  @IntSetting(0, 65535)
  METRICS_PORT = 0;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** A Redis Cluster instead of REDIS_URL: some of its nodes, `host:port,host:port` (QUEUE_PREFIX then needs a hash tag). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, {
    message: 'REDIS_CLUSTER_NODES must be host:port pairs separated by commas',
  })
  REDIS_CLUSTER_NODES?: string;

  @ValidateIf((env: Env) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  @IsString({ message: 'JWT_SECRET is required when NODE_ENV=production' })
  JWT_SECRET?: string;

  @IntSetting(1, 86_400)
  RESERVATION_TTL_SECONDS = 300;

  /**
   * The longest a reservation can hold stock, however often it is extended: a hold on a
   * scarce item keeps it from every other buyer, so it is capped from its creation.
   */
  @IntSetting(1, 86_400)
  RESERVATION_MAX_HOLD_SECONDS = 900;

  /** ACTIVE reservations one customer may have at once (a checkout past it is 409 TOO_MANY_HOLDS). */
  @IntSetting(1, 1_000)
  MAX_ACTIVE_RESERVATIONS_PER_CUSTOMER = 3;

  /** Available units at or below which a variant without its own threshold is LOW_STOCK. */
  @IntSetting(0, 1_000_000_000)
  LOW_STOCK_THRESHOLD = 5;

  /**
   * Lets webhook URLs point at loopback, private and link-local addresses. Off, so that
   * webhooks cannot be used to probe the network the service runs in; tests and
   * single-machine set-ups turn it on.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WEBHOOKS_ALLOW_PRIVATE must be true or false' })
  WEBHOOKS_ALLOW_PRIVATE = false;

  /** The whole of one webhook request, connecting included; past it the attempt failed. */
  @IntSetting(100, 30_000)
  WEBHOOK_TIMEOUT_MS = 5_000;

  /**
   * Seconds to wait after the 1st, 2nd, ... failed attempt of a delivery; after the last
   * the delivery is failed. The default retries for about a day (27.6 h, 8 attempts).
   */
  @Matches(/^\d+(\.\d+)?(,\d+(\.\d+)?){0,19}$/, {
    message: 'WEBHOOK_RETRY_SCHEDULE must be 1 to 20 comma-separated numbers of seconds, such as 5,300,1800',
  })
  WEBHOOK_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

  /** Deliveries one worker's relay sends at once; one target gets a quarter of them at most. */
  @IntSetting(1, 256)
  OUTBOX_RELAY_CONCURRENCY = 64;

  /** Delivered events and settled deliveries older than this are purged (hourly). */
  @IntSetting(1, 24 * 366)
  OUTBOX_RETENTION_HOURS = 168;

  /** The built ops console (`npm run build` writes it), served at /admin; relative paths are from the working directory. */
  @IsString()
  @MinLength(1)
  CONSOLE_DIR = 'dist/console';

  /** How often the sweep expires overdue reservations whose jobs Redis lost. */
  @IntSetting(1, 3_600)
  RESERVATION_SWEEP_SECONDS = 30;

  /** A reservation still ACTIVE this long after its expiry is reported as stuck by the audit. */
  @IntSetting(1, 86_400)
  RESERVATION_STUCK_GRACE_SECONDS = 60;

  /** How often each instance reloads the pricing rules, so instances converge after another one's write. */
  @IntSetting(1, 3600)
  PRICING_RULES_REFRESH_SECONDS = 10;

  /** Variant views and category subtrees this instance keeps in memory (each, LRU); 0 reads the database every time. */
  @IntSetting(0, 10_000_000)
  CATALOG_CACHE_MAX_ENTRIES = 100_000;

  /** How long an Idempotency-Key and its stored response are kept (24 h); older keys may be used afresh. */
  @IntSetting(1, 30 * 86_400)
  IDEMPOTENCY_KEY_TTL_SECONDS = 86_400;

  @Matches(/^[A-Z]{3}$/, { message: 'CURRENCY must be a three-letter ISO 4217 code such as USD' })
  CURRENCY = 'USD';

  /** Requests per client (token subject, else address) and minute over all routes; 0 turns limiting off. */
  @IntSetting(0)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Stricter, per route: adds to cart and checkouts per client and minute; 0 turns it off. */
  @IntSetting(0)
  RATE_LIMIT_CART_PER_MINUTE = 60;

  /** Where the rate-limit counters live, when not beside the queues at REDIS_URL. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'RATE_LIMIT_REDIS_URL must be a redis:// URL' })
  RATE_LIMIT_REDIS_URL?: string;

  /** Prefix of the rate-limit counters in Redis, which every instance shares. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'RATE_LIMIT_KEY_PREFIX must be 1-64 of A-Z a-z 0-9 : _ -' })
  RATE_LIMIT_KEY_PREFIX = 'rate-limit';

  /** Time a client has to send a whole request, body included; after it the answer is 408. */
  @IntSetting(100, 600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Time a client has to send the request headers; at most HTTP_REQUEST_TIMEOUT_MS. */
  @IntSetting(100, 600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /**
   * How long an idle kept-alive connection stays open. Longer than the idle timeout of
   * common load balancers (60 s), so that the balancer, not the service, closes it.
   */
  @IntSetting(100, 600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /**
   * The start of every Bull key. On Redis Cluster, wrap it in braces (`{bull}`): a hash tag,
   * so every key of every queue lands in one slot, as Bull's multi-key scripts need.
   */
  @Matches(/^([A-Za-z0-9:_-]{1,62}|\{[A-Za-z0-9:_-]{1,62}\}[A-Za-z0-9:_-]{0,30})$/, {
    message: 'QUEUE_PREFIX must be 1-62 of A-Z a-z 0-9 : _ -, optionally in braces (a Redis Cluster hash tag)',
  })
  QUEUE_PREFIX = 'bull';

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'MIGRATIONS_RUN must be true or false' })
  MIGRATIONS_RUN?: boolean;

  @Transform(toBoolean)
  @IsBoolean({ message: 'TRUST_PROXY must be true or false' })
  TRUST_PROXY = false;

  /** Comma-separated browser origins allowed by CORS ("*" for any); empty turns CORS off. */
  @Matches(/^(\*|(https?:\/\/[^,\s]+)(,https?:\/\/[^,\s]+)*)?$/, {
    message: 'CORS_ORIGINS must be "*" or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS = '';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  get corsOrigins(): string[] | '*' | null {
    if (this.CORS_ORIGINS === '') return null;
    return this.CORS_ORIGINS === '*' ? '*' : this.CORS_ORIGINS.split(',');
  }

  get rateLimitRedisUrl(): string {
    return this.RATE_LIMIT_REDIS_URL ?? this.REDIS_URL;
  }

  get jwtSecret(): string {
    return this.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
  }

  /** Also when the development secret is set explicitly, as docker-compose does for a try-out. */
  get usesDevelopmentJwtSecret(): boolean {
    return this.jwtSecret === DEVELOPMENT_JWT_SECRET;
  }

  /** True when this process runs the Bull processors and the periodic schedules. */
  get processesJobs(): boolean {
    return this.APP_ROLE !== 'api';
  }

  /** True when this process serves the API (a worker serves health and metrics only). */
  get servesApi(): boolean {
    return this.APP_ROLE !== 'worker';
  }

  /** Pending migrations are applied at start unless told otherwise; never by default in production. */
  get migrationsRun(): boolean {
    return this.MIGRATIONS_RUN ?? this.NODE_ENV !== 'production';
  }
}

export class InvalidConfigurationError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = InvalidConfigurationError.name;
  }
}

/** Variables without a default, which `new Env()` therefore does not list. */
const OPTIONAL_KEYS = ['JWT_SECRET', 'RATE_LIMIT_REDIS_URL', 'REDIS_CLUSTER_NODES'];

/** Validates the environment; a bad value fails with one line naming every problem. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.keys(new Env());
  const present = Object.fromEntries(
    Object.entries(raw).filter(
      ([key, value]) => (known.includes(key) || OPTIONAL_KEYS.includes(key)) && value !== '' && value !== undefined,
    ),
  );
  const env = plainToInstance(Env, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, stopAtFirstError: true });
  const problems = errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
  // Node refuses to start a server whose headers may take longer than the whole request.
  const { HTTP_HEADERS_TIMEOUT_MS: headers, HTTP_REQUEST_TIMEOUT_MS: request } = env;
  if (typeof headers === 'number' && typeof request === 'number' && headers > request) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS');
  }
  const { RESERVATION_TTL_SECONDS: ttl, RESERVATION_MAX_HOLD_SECONDS: maxHold } = env;
  if (typeof ttl === 'number' && typeof maxHold === 'number' && ttl > maxHold) {
    problems.push('RESERVATION_MAX_HOLD_SECONDS must not be less than RESERVATION_TTL_SECONDS');
  }
  // Bull's scripts need every key of a queue in one slot of the cluster.
  if (env.REDIS_CLUSTER_NODES && typeof env.QUEUE_PREFIX === 'string' && !env.QUEUE_PREFIX.startsWith('{')) {
    problems.push('QUEUE_PREFIX must be a hash tag such as {bull} when REDIS_CLUSTER_NODES is set');
  }
  if (problems.length > 0) throw new InvalidConfigurationError(problems);
  return env;
}
