import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { timeZone } from '../common/validation/validators';
import { parseDuration } from '../rules/eligibility/durations';

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
  DATABASE_POOL_SIZE: positiveInt(20),
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
  EVALUATE_CONCURRENCY: positiveInt(512),
  /** Safety net behind the Redis change notice: active rules are re-read at least this often. */
  RULE_CACHE_TTL_MS: positiveInt(5_000),
  /** Event-rule skip counts are added to `rule_skips` this often. */
  RULE_SKIP_FLUSH_MS: positiveInt(2_000),
  /** Customers a schedule or manual run reads, decides and writes per transaction. */
  RULE_RUN_PAGE_SIZE: z.coerce.number().int().min(1).max(20_000).default(1_000),
  /** Rule runs one worker process executes at once. */
  RULE_RUN_CONCURRENCY: positiveInt(2),
  /** Pages of one run written at the same time (they still commit in order). */
  RULE_RUN_PAGES_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(3),
  /** How often a worker re-queues running rule runs whose job Redis lost. */
  RULE_RUN_RECONCILE_INTERVAL_MS: positiveInt(60_000),
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

  /** SMTP server, e.g. smtp://user:pass@host:587; unset = the file outbox. */
  SMTP_URL: urlWithProtocol(['smtp:', 'smtps:']).optional(),
  SMTP_POOL_SIZE: positiveInt(5),
  /** Global send rate of the transport in messages per second; 0 = unlimited. */
  SEND_RATE_PER_SECOND: z.coerce.number().int().min(0).default(0),
  OUTBOX_DIR: z.string().min(1).default('./var/outbox'),
  MAIL_FROM: z.string().min(3).default('Retention Mix <hello@localhost>'),
  SUPPORT_EMAIL: z.email().optional(),
  SALES_MANAGER_EMAIL: z.email().optional(),
  COMPANY_NAME: z.string().min(1).optional(),
  COMPANY_POSTAL_ADDRESS: z.string().min(1).optional(),
  /** Customer-local quiet hours, `21:00-08:00`, or `off`. */
  QUIET_HOURS: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM-HH:MM or off')
    .default('21:00-08:00'),
  /** Marketing cap: `3/P7D,PT16H` (count per rolling window, minimum gap), or `off`. */
  FREQUENCY_CAP: z.string().default('3/P7D,PT16H'),
  /** Secret that signs unsubscribe and check-in links; required in production. */
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DELIVER_CONCURRENCY: positiveInt(20),
  /** Attempts for temporary failures (SMTP 4xx, connection errors) before `failed`. */
  DELIVER_MAX_ATTEMPTS: positiveInt(6),
  /** First retry delay; later ones double, with jitter. */
  DELIVER_BACKOFF_MS: positiveInt(5_000),
  /** A message left in `sending` this long (its worker died) is released and sent again. */
  SENDING_LOCK_MS: positiveInt(120_000),
  /** How often the reconciler looks for due messages without a job and stuck sends. */
  RECONCILE_INTERVAL_MS: positiveInt(10_000),
  /** A due message still waiting this long past its send time is checked for a lost job. */
  DELIVER_OVERDUE_MS: positiveInt(30_000),
  /**
   * Only messages due within this long get their `deliver` job when scheduled; the promoter
   * adds the others' as they come closer. Keeps tomorrow's messages out of Redis memory.
   * At least a second: the promoter runs every quarter of it (at most every minute).
   */
  DELIVER_JOB_HORIZON_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /** How often the worker emails sales reps a digest of their new tasks (event-created ones). */
  TASK_NOTICE_INTERVAL_MS: positiveInt(5_000),
  /** How often the worker looks for overdue tasks to remind and escalate. */
  TASK_OVERDUE_INTERVAL_MS: positiveInt(30_000),
  /** How long past its due time an open task waits before it escalates to SALES_MANAGER_EMAIL. */
  TASK_ESCALATION_GRACE: z
    .string()
    .refine((value) => parseDuration(value) !== null, {
      message: 'must be a positive ISO-8601 duration such as P2D',
    })
    .default('P2D'),

  // Customer value (src/analytics/value; definitions in README, "Customer value").
  /** Margin (fraction of price) of products without their own `margin`. */
  DEFAULT_MARGIN: z.coerce.number().min(0).max(1).default(0.3),
  /** Cost of one support case, in the shop's currency. */
  COST_PER_CASE: z.coerce.number().min(0).default(15),
  /** Cost of one returned order. */
  COST_PER_RETURN: z.coerce.number().min(0).default(10),
  /** Years a customer is expected to keep buying, for the lifetime value. */
  EXPECTED_LIFESPAN_YEARS: z.coerce.number().positive().max(100).default(3),
  /** When value tiers are recomputed for everyone (cron, in VALUE_TIERS_TIMEZONE). */
  VALUE_TIERS_CRON: z
    .string()
    .refine(
      (value) => {
        try {
          CronExpressionParser.parse(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a cron expression such as 0 3 * * *' },
    )
    .default('0 3 * * *'),
  VALUE_TIERS_TIMEZONE: timeZone.default('UTC'),
  /** Postgres work_mem of the nightly job's session, so its joins and aggregates stay in memory. */
  VALUE_TIERS_WORK_MEM: z
    .string()
    .regex(/^[1-9][0-9]*(kB|MB|GB)$/, 'must be a size such as 256MB')
    .default('256MB'),
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
  ruleCacheTtlMs: number;
  ruleSkipFlushMs: number;
  ruleRuns: {
    pageSize: number;
    concurrency: number;
    pagesInFlight: number;
    reconcileIntervalMs: number;
  };
  eventRelay: { intervalMs: number; graceMs: number; staleMs: number };
  queueAddTimeoutMs: number;
  shutdownTimeoutMs: number;
  mail: {
    smtpUrl: string | undefined;
    smtpPoolSize: number;
    sendRatePerSecond: number;
    outboxDir: string;
    from: string;
    supportEmail: string | undefined;
    salesManagerEmail: string | undefined;
  };
  company: { name: string; postalAddress: string };
  quietHours: string;
  frequencyCap: string;
  tokenSecret: string;
  delivery: {
    concurrency: number;
    maxAttempts: number;
    backoffMs: number;
    sendingLockMs: number;
    reconcileIntervalMs: number;
    overdueMs: number;
    jobHorizonMs: number;
  };
  tasks: { noticeIntervalMs: number; overdueIntervalMs: number; escalationGrace: string };
  value: {
    defaultMargin: number;
    costPerCase: number;
    costPerReturn: number;
    lifespanYears: number;
    cron: string;
    timezone: string;
    workMem: string;
  };
}

/** Used only outside production, so links work on a laptop without configuration. */
const DEVELOPMENT_TOKEN_SECRET = 'retention-mix-development-secret-not-for-production';

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
  const production = raw.NODE_ENV === 'production';
  const missing = [
    ['TOKEN_SECRET', raw.TOKEN_SECRET],
    ['COMPANY_NAME', raw.COMPANY_NAME],
    ['COMPANY_POSTAL_ADDRESS', raw.COMPANY_POSTAL_ADDRESS],
  ].filter(([, value]) => production && !value);
  if (missing.length > 0) {
    // Marketing email needs a sender's postal address by law, and links need a real secret.
    throw new ConfigError(missing.map(([name]) => `${name}: is required when NODE_ENV=production`));
  }
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
    ruleCacheTtlMs: raw.RULE_CACHE_TTL_MS,
    ruleSkipFlushMs: raw.RULE_SKIP_FLUSH_MS,
    ruleRuns: {
      pageSize: raw.RULE_RUN_PAGE_SIZE,
      concurrency: raw.RULE_RUN_CONCURRENCY,
      pagesInFlight: raw.RULE_RUN_PAGES_IN_FLIGHT,
      reconcileIntervalMs: raw.RULE_RUN_RECONCILE_INTERVAL_MS,
    },
    eventRelay: {
      intervalMs: raw.EVENT_RELAY_INTERVAL_MS,
      graceMs: raw.EVENT_RELAY_GRACE_MS,
      staleMs: raw.EVENT_RELAY_STALE_MS,
    },
    queueAddTimeoutMs: raw.QUEUE_ADD_TIMEOUT_MS,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    mail: {
      smtpUrl: raw.SMTP_URL,
      smtpPoolSize: raw.SMTP_POOL_SIZE,
      sendRatePerSecond: raw.SEND_RATE_PER_SECOND,
      outboxDir: raw.OUTBOX_DIR,
      from: raw.MAIL_FROM,
      supportEmail: raw.SUPPORT_EMAIL,
      salesManagerEmail: raw.SALES_MANAGER_EMAIL,
    },
    company: {
      name: raw.COMPANY_NAME ?? 'Retention Mix Demo Shop',
      postalAddress: raw.COMPANY_POSTAL_ADDRESS ?? '1 Example Street, 00000 Example City',
    },
    quietHours: raw.QUIET_HOURS,
    frequencyCap: raw.FREQUENCY_CAP,
    tokenSecret: raw.TOKEN_SECRET ?? DEVELOPMENT_TOKEN_SECRET,
    delivery: {
      concurrency: raw.DELIVER_CONCURRENCY,
      maxAttempts: raw.DELIVER_MAX_ATTEMPTS,
      backoffMs: raw.DELIVER_BACKOFF_MS,
      sendingLockMs: raw.SENDING_LOCK_MS,
      reconcileIntervalMs: raw.RECONCILE_INTERVAL_MS,
      overdueMs: raw.DELIVER_OVERDUE_MS,
      jobHorizonMs: raw.DELIVER_JOB_HORIZON_MS,
    },
    tasks: {
      noticeIntervalMs: raw.TASK_NOTICE_INTERVAL_MS,
      overdueIntervalMs: raw.TASK_OVERDUE_INTERVAL_MS,
      escalationGrace: raw.TASK_ESCALATION_GRACE,
    },
    value: {
      defaultMargin: raw.DEFAULT_MARGIN,
      costPerCase: raw.COST_PER_CASE,
      costPerReturn: raw.COST_PER_RETURN,
      lifespanYears: raw.EXPECTED_LIFESPAN_YEARS,
      cron: raw.VALUE_TIERS_CRON,
      timezone: raw.VALUE_TIERS_TIMEZONE,
      workMem: raw.VALUE_TIERS_WORK_MEM,
    },
  };
}
