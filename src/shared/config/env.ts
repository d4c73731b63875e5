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

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

/** The process environment after validation: typed, with defaults applied. */
export class Env {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/commerce';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** 0 serves /metrics on PORT; another port serves it there only, so PORT can face the public. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 0;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @ValidateIf((env: Env) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  @IsString({ message: 'JWT_SECRET is required when NODE_ENV=production' })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RESERVATION_TTL_SECONDS = 300;

  /** How often the sweep expires overdue reservations whose jobs Redis lost. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600)
  RESERVATION_SWEEP_SECONDS = 30;

  /** How often each instance reloads the pricing rules, so instances converge after another one's write. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  PRICING_RULES_REFRESH_SECONDS = 10;

  /** How long an Idempotency-Key and its stored response are kept (24 h); older keys may be used afresh. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  IDEMPOTENCY_KEY_TTL_SECONDS = 86_400;

  @Matches(/^[A-Z]{3}$/, { message: 'CURRENCY must be a three-letter ISO 4217 code such as USD' })
  CURRENCY = 'USD';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_MINUTE = 600;

  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 of A-Z a-z 0-9 : _ -' })
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

  get jwtSecret(): string {
    return this.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
  }

  /** Also when the development secret is set explicitly, as docker-compose does for a try-out. */
  get usesDevelopmentJwtSecret(): boolean {
    return this.jwtSecret === DEVELOPMENT_JWT_SECRET;
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

/** Validates the environment; a bad value fails with one line naming every problem. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.keys(new Env());
  const present = Object.fromEntries(
    Object.entries(raw).filter(
      ([key, value]) => (known.includes(key) || key === 'JWT_SECRET') && value !== '' && value !== undefined,
    ),
  );
  const env = plainToInstance(Env, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, stopAtFirstError: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) =>
        message.startsWith(error.property) ? message : `${error.property}: ${message}`,
      ),
    );
    throw new InvalidConfigurationError(problems);
  }
  return env;
}
