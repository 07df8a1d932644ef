import { z } from 'zod';

/**
 * The whole environment, parsed once at boot. Nothing else in the codebase reads
 * `process.env`: code receives this object (see `ConfigModule`) so tests can pass overrides.
 */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const roles = ['all', 'api', 'worker'] as const;

const urlWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  APP_ROLE: z.enum(roles).default('all'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/retention_mix',
  ),
  DATABASE_POOL_SIZE: positiveInt(10),
  REDIS_URL: urlWithProtocol(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Key prefix of every BullMQ queue; wrap in braces (`{rm}`) for Redis Cluster hash tags. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,40}$/, 'letters, digits, _ . - { } only')
    .default('rm'),
  PUBLIC_BASE_URL: urlWithProtocol(['http:', 'https:']).default('http://localhost:3000'),
  ADMIN_API_KEY: z
    .string()
    .min(24, 'must be at least 24 characters: it grants every right')
    .optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Jobs of the `evaluate` queue one worker process runs at once. */
  EVALUATE_CONCURRENCY: positiveInt(8),
  /** How often the relay looks for accepted events whose job never reached Redis. */
  EVENT_RELAY_INTERVAL_MS: positiveInt(2000),
  /** Age after which an unqueued event is the relay's: the API had its chance first. */
  EVENT_RELAY_GRACE_MS: positiveInt(5000),
  /** Age after which a queued but never evaluated event is checked against Redis. */
  EVENT_RELAY_STALE_MS: positiveInt(60_000),
  /** How long a request may wait for Redis before the event is left to the relay. */
  QUEUE_ADD_TIMEOUT_MS: positiveInt(1500),
  /** Time SIGTERM gives jobs in flight before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
});

type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig {
  env: RawConfig['NODE_ENV'];
  role: RawConfig['APP_ROLE'];
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  publicBaseUrl: string;
  adminApiKey: string | undefined;
  logLevel: RawConfig['LOG_LEVEL'];
  evaluateConcurrency: number;
  eventRelay: { intervalMs: number; graceMs: number; staleMs: number };
  queueAddTimeoutMs: number;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (normally `process.env`) or throws a ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable means "not set": docker-compose and shells often export `FOO=`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const raw = parsed.data;
  return {
    env: raw.NODE_ENV,
    role: raw.APP_ROLE,
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL,
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    redisUrl: raw.REDIS_URL,
    queuePrefix: raw.QUEUE_PREFIX,
    publicBaseUrl: raw.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    adminApiKey: raw.ADMIN_API_KEY,
    logLevel: raw.LOG_LEVEL,
    evaluateConcurrency: raw.EVALUATE_CONCURRENCY,
    eventRelay: {
      intervalMs: raw.EVENT_RELAY_INTERVAL_MS,
      graceMs: raw.EVENT_RELAY_GRACE_MS,
      staleMs: raw.EVENT_RELAY_STALE_MS,
    },
    queueAddTimeoutMs: raw.QUEUE_ADD_TIMEOUT_MS,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
  };
}
