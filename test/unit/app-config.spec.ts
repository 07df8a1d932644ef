import { AppConfig, ConfigError, loadConfig } from '../../src/config/app-config';

/** Runs loadConfig and returns the ConfigError it throws, failing the test if it does not. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

const DEFAULTS: AppConfig = {
  env: 'development',
  role: 'all',
  port: 3000,
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/retention_mix',
  databasePoolSize: 20,
  redisUrl: 'redis://127.0.0.1:6379',
  queuePrefix: 'rm',
  publicBaseUrl: 'http://localhost:3000',
  adminApiKey: undefined,
  logLevel: 'info',
  evaluateConcurrency: 512,
  ruleCacheTtlMs: 5_000,
  ruleSkipFlushMs: 2_000,
  ruleRuns: { pageSize: 1_000, concurrency: 2, pagesInFlight: 3, reconcileIntervalMs: 60_000 },
  eventRelay: { intervalMs: 2000, graceMs: 5000, staleMs: 60_000 },
  queueAddTimeoutMs: 1500,
  shutdownTimeoutMs: 25_000,
  mail: {
    smtpUrl: undefined,
    smtpPoolSize: 5,
    sendRatePerSecond: 0,
    outboxDir: './var/outbox',
    from: 'Retention Mix <hello@localhost>',
    supportEmail: undefined,
    salesManagerEmail: undefined,
  },
  company: {
    name: 'Retention Mix Demo Shop',
    postalAddress: '1 Example Street, 00000 Example City',
  },
  quietHours: '21:00-08:00',
  frequencyCap: '3/P7D,PT16H',
  tokenSecret: 'retention-mix-development-secret-not-for-production',
  delivery: {
    concurrency: 20,
    maxAttempts: 6,
    backoffMs: 5_000,
    sendingLockMs: 120_000,
    reconcileIntervalMs: 10_000,
    overdueMs: 30_000,
    jobHorizonMs: 3_600_000,
  },
  tasks: { noticeIntervalMs: 5_000, overdueIntervalMs: 30_000, escalationGrace: 'P2D' },
  value: {
    defaultMargin: 0.3,
    costPerCase: 15,
    costPerReturn: 10,
    lifespanYears: 3,
    cron: '0 3 * * *',
    timezone: 'UTC',
    workMem: '256MB',
  },
};

describe('loadConfig: defaults', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual(DEFAULTS);
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root', npm_config_x: 'y' })).toEqual(DEFAULTS);
  });
});

describe('loadConfig: values given', () => {
  it('parses numbers, enums and URLs into the typed object', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      APP_ROLE: 'worker',
      PORT: '8080',
      DATABASE_URL: 'postgresql://app:pw@db:5432/rm',
      DATABASE_POOL_SIZE: '25',
      REDIS_URL: 'rediss://cache:6380',
      QUEUE_PREFIX: '{rm}',
      ADMIN_API_KEY: 'a'.repeat(24),
      LOG_LEVEL: 'debug',
      EVALUATE_CONCURRENCY: '3',
      EVENT_RELAY_INTERVAL_MS: '100',
      EVENT_RELAY_GRACE_MS: '200',
      EVENT_RELAY_STALE_MS: '300',
      QUEUE_ADD_TIMEOUT_MS: '400',
      SHUTDOWN_TIMEOUT_MS: '500',
      SMTP_URL: 'smtp://mail:1025',
      SMTP_POOL_SIZE: '3',
      SEND_RATE_PER_SECOND: '50',
      OUTBOX_DIR: '/tmp/outbox',
      MAIL_FROM: 'Shop <shop@example.com>',
      SUPPORT_EMAIL: 'support@example.com',
      SALES_MANAGER_EMAIL: 'boss@example.com',
      COMPANY_NAME: 'Shop Ltd',
      COMPANY_POSTAL_ADDRESS: '2 High Street, London',
      QUIET_HOURS: 'off',
      FREQUENCY_CAP: '2/P1D,PT1H',
      TOKEN_SECRET: 's'.repeat(32),
      DELIVER_CONCURRENCY: '4',
      DELIVER_MAX_ATTEMPTS: '3',
      DELIVER_BACKOFF_MS: '100',
      SENDING_LOCK_MS: '1000',
      RECONCILE_INTERVAL_MS: '500',
      DELIVER_JOB_HORIZON_MS: '2000',
      TASK_NOTICE_INTERVAL_MS: '600',
      TASK_OVERDUE_INTERVAL_MS: '700',
      TASK_ESCALATION_GRACE: 'PT12H',
      RULE_CACHE_TTL_MS: '900',
      RULE_SKIP_FLUSH_MS: '800',
      RULE_RUN_PAGE_SIZE: '250',
      RULE_RUN_CONCURRENCY: '4',
      RULE_RUN_PAGES_IN_FLIGHT: '2',
      RULE_RUN_RECONCILE_INTERVAL_MS: '1000',
    });
    expect(config).toEqual({
      env: 'production',
      role: 'worker',
      port: 8080,
      databaseUrl: 'postgresql://app:pw@db:5432/rm',
      databasePoolSize: 25,
      redisUrl: 'rediss://cache:6380',
      queuePrefix: '{rm}',
      publicBaseUrl: 'http://localhost:3000',
      adminApiKey: 'a'.repeat(24),
      logLevel: 'debug',
      evaluateConcurrency: 3,
      ruleCacheTtlMs: 900,
      ruleSkipFlushMs: 800,
      ruleRuns: { pageSize: 250, concurrency: 4, pagesInFlight: 2, reconcileIntervalMs: 1000 },
      eventRelay: { intervalMs: 100, graceMs: 200, staleMs: 300 },
      queueAddTimeoutMs: 400,
      shutdownTimeoutMs: 500,
      mail: {
        smtpUrl: 'smtp://mail:1025',
        smtpPoolSize: 3,
        sendRatePerSecond: 50,
        outboxDir: '/tmp/outbox',
        from: 'Shop <shop@example.com>',
        supportEmail: 'support@example.com',
        salesManagerEmail: 'boss@example.com',
      },
      company: { name: 'Shop Ltd', postalAddress: '2 High Street, London' },
      quietHours: 'off',
      frequencyCap: '2/P1D,PT1H',
      tokenSecret: 's'.repeat(32),
      delivery: {
        concurrency: 4,
        maxAttempts: 3,
        backoffMs: 100,
        sendingLockMs: 1000,
        reconcileIntervalMs: 500,
        overdueMs: 30_000,
        jobHorizonMs: 2000,
      },
      tasks: { noticeIntervalMs: 600, overdueIntervalMs: 700, escalationGrace: 'PT12H' },
      value: DEFAULTS.value,
    });
  });

  it('parses the customer value settings', () => {
    expect(
      loadConfig({
        DEFAULT_MARGIN: '0.25',
        COST_PER_CASE: '12.5',
        COST_PER_RETURN: '0',
        EXPECTED_LIFESPAN_YEARS: '2.5',
        VALUE_TIERS_CRON: '30 2 * * 1',
        VALUE_TIERS_TIMEZONE: 'Europe/Paris',
        VALUE_TIERS_WORK_MEM: '1GB',
      }).value,
    ).toEqual({
      defaultMargin: 0.25,
      costPerCase: 12.5,
      costPerReturn: 0,
      lifespanYears: 2.5,
      cron: '30 2 * * 1',
      timezone: 'Europe/Paris',
      workMem: '1GB',
    });
  });

  it('requires a token secret and the company footer in production', () => {
    expect(configError({ NODE_ENV: 'production' }).problems).toEqual([
      'TOKEN_SECRET: is required when NODE_ENV=production',
      'COMPANY_NAME: is required when NODE_ENV=production',
      'COMPANY_POSTAL_ADDRESS: is required when NODE_ENV=production',
    ]);
  });

  it('drops trailing slashes of PUBLIC_BASE_URL so links can append /c/{token}', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://shop.example/retention//' }).publicBaseUrl).toBe(
      'https://shop.example/retention',
    );
  });

  it('accepts port 0 (any free port)', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });
});

describe('loadConfig: empty strings mean unset', () => {
  it.each([
    ['PORT', 'port', 3000],
    ['DATABASE_URL', 'databaseUrl', DEFAULTS.databaseUrl],
    ['REDIS_URL', 'redisUrl', DEFAULTS.redisUrl],
    ['LOG_LEVEL', 'logLevel', 'info'],
    // Would fail the 24-character minimum if it were taken as a value.
    ['ADMIN_API_KEY', 'adminApiKey', undefined],
  ] as const)('%s="" gives the default', (variable, field, expected) => {
    expect(loadConfig({ [variable]: '' })[field]).toEqual(expected);
  });

  it('treats undefined values like missing ones', () => {
    expect(loadConfig({ PORT: undefined, ADMIN_API_KEY: undefined })).toEqual(DEFAULTS);
  });
});

describe('loadConfig: bad values are named in the ConfigError', () => {
  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['APP_ROLE', 'scheduler'],
    ['DATABASE_URL', 'mysql://root@db/rm'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_POOL_SIZE', '0'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['QUEUE_PREFIX', 'rm prefix'],
    ['PUBLIC_BASE_URL', 'ftp://files.example'],
    ['ADMIN_API_KEY', 'short'],
    ['LOG_LEVEL', 'verbose'],
    ['EVALUATE_CONCURRENCY', '-1'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['DEFAULT_MARGIN', '1.5'],
    ['COST_PER_CASE', '-1'],
    ['COST_PER_RETURN', 'ten'],
    ['EXPECTED_LIFESPAN_YEARS', '0'],
    ['VALUE_TIERS_CRON', 'every night'],
    ['VALUE_TIERS_TIMEZONE', 'Mars/Olympus'],
    ['VALUE_TIERS_WORK_MEM', '256 MB'],
    ['RULE_RUN_PAGE_SIZE', '0'],
    ['RULE_RUN_PAGE_SIZE', '50000'],
    ['RULE_RUN_PAGES_IN_FLIGHT', '17'],
    ['RULE_RUN_CONCURRENCY', 'two'],
    ['DELIVER_JOB_HORIZON_MS', '500'],
    ['DELIVER_JOB_HORIZON_MS', 'PT1H'],
  ])('%s=%s', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${variable}: `));
    expect(error.message).toContain(`  - ${variable}: `);
    expect(error.name).toBe('ConfigError');
  });

  it('explains what a URL variable expects', () => {
    expect(configError({ REDIS_URL: 'http://x' }).problems).toEqual([
      'REDIS_URL: must be a URL starting with redis:// or rediss://',
    ]);
    expect(configError({ ADMIN_API_KEY: 'x'.repeat(23) }).problems).toEqual([
      'ADMIN_API_KEY: must be at least 24 characters: it grants every right',
    ]);
  });

  it('names every bad variable at once, not only the first', () => {
    const error = configError({ PORT: 'x', REDIS_URL: 'x', LOG_LEVEL: 'x', NODE_ENV: 'test' });
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'LOG_LEVEL',
      'PORT',
      'REDIS_URL',
    ]);
  });
});
