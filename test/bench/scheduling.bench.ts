import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { startChildScript } from './support/child-script';
import { MessageStorageCeilings, rawMessageStorage } from './support/message-storage-ceilings';
import { promotionRequests, seedCustomers } from './support/message-mix';
import { describeActivity, sampleActivity } from './support/pg-activity';
import {
  cpuMsPerUnit,
  describeParties,
  machineBoundPerSec,
  measureParties,
  PartiesCpu,
} from './support/process-cpu';
import type { ScheduleRun } from './support/schedule-process';
import { withDatabase } from './support/scratch-db';
import { BenchContext, BenchSection, Figure, SectionResult } from './support/section';
import { perSecond } from './support/stats';
import { formatNumber } from './support/table';

/**
 * Scheduling: how many messages per second MessagesService.schedule stores and queues (a row,
 * its history row and a delayed `deliver` job each), called with pages of 1,000 by a script
 * that boots only the compiled service's MessagesService, DataSource and QueueProducer; and
 * the same rows and jobs written straight to Postgres and Redis, as ceilings.
 */
const SETTINGS = {
  customers: 10_000,
  messages: 100_000,
  page: 1_000,
  /** schedule() calls in flight, and statements or addBulk calls at a time for the ceilings. */
  concurrency: 4,
  /** Scheduled before the clock starts, to warm up the script, Postgres and Redis. */
  warmup: 5_000,
  databasePoolSize: 10,
  /**
   * The messages are due in half an hour: within DELIVER_JOB_HORIZON_MS (1 h by default), so
   * schedule() adds their jobs at once (a message due later gets only its row), and their jobs
   * wait in the delayed set (no worker runs anyway).
   */
  sendInMs: 30 * 60_000,
  jobHorizonMs: 3_600_000,
};

const TARGETS = { messagesPerSec: { op: '>=', value: 20_000 } } as const;

const TAG = 'bs';
const RAW_TAG = 'bs-raw';

interface SchedulePhase {
  run: ScheduleRun;
  perSec: number;
  cpu: PartiesCpu;
  activity: { state: string; sessions: number }[];
}

async function schedulePhase(ctx: BenchContext, sendAt: Date, problems: string[]) {
  const script = startChildScript(ctx, {
    name: 'scheduler',
    script: 'test/bench/support/schedule-process.ts',
    profile: true,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: ctx.databaseUrl,
      DATABASE_POOL_SIZE: String(SETTINGS.databasePoolSize),
      REDIS_URL: ctx.redisUrl,
      QUEUE_PREFIX: ctx.queuePrefix,
      TOKEN_SECRET: randomBytes(32).toString('hex'),
      COMPANY_NAME: 'Bench Co',
      COMPANY_POSTAL_ADDRESS: '1 Bench Street, 75001 Paris',
      LOG_LEVEL: 'warn',
      BENCH_MESSAGES: String(SETTINGS.messages),
      BENCH_PAGE: String(SETTINGS.page),
      BENCH_CONCURRENCY: String(SETTINGS.concurrency),
      BENCH_WARMUP: String(SETTINGS.warmup),
      BENCH_TAG: TAG,
      BENCH_SEND_AT: sendAt.toISOString(),
      DELIVER_JOB_HORIZON_MS: String(SETTINGS.jobHorizonMs),
    },
  });
  const ready = await script.waitFor<{ warmup: ScheduleRun }>('ready', 90_000);
  ctx.log(
    `scheduler ready (warm-up: ${formatNumber(ready.warmup.scheduled)} messages at ` +
      `${formatNumber(perSecond(ready.warmup.scheduled, ready.warmup.wallMs))}/s); ` +
      `schedule(): ${formatNumber(SETTINGS.messages)} messages in pages of ${formatNumber(SETTINGS.page)}, ` +
      `${SETTINGS.concurrency} calls in flight, DATABASE_POOL_SIZE=${SETTINGS.databasePoolSize}…`,
  );
  const sampler = await sampleActivity(ctx.databaseUrl);
  let run: ScheduleRun;
  let cpu: PartiesCpu;
  try {
    const measure = measureParties(script.pid, {});
    run = await script.call<ScheduleRun>('run', undefined, 180_000);
    cpu = measure({ postgresPids: await sampler.pids() });
  } catch (error) {
    await sampler.stop().catch(() => undefined);
    throw error;
  }
  const activity = (await sampler.stop()).shares;
  await script.stop();
  const result: SchedulePhase = { run, perSec: perSecond(run.created, run.wallMs), cpu, activity };
  if (result.run.created !== SETTINGS.messages) {
    problems.push(
      `schedule: ${result.run.created} of ${SETTINGS.messages} messages created ` +
        `(${result.run.scheduled} answered)`,
    );
  }
  ctx.log(
    `schedule: ${formatNumber(result.run.created)} messages in ${formatNumber(result.run.wallMs / 1000, 2)} s → ` +
      `${formatNumber(result.perSec)} messages/s`,
  );
  ctx.log(`schedule CPU: ${describeParties(result.cpu, { service: 'scheduler' })}`);
  ctx.log(`schedule Postgres sessions (average count): ${describeActivity(result.activity)}`);
  return result;
}

/** 100,000 rows, 100,000 history rows, and a job in Redis for each message, under its id. */
async function checkStored(ctx: BenchContext, problems: string[]) {
  const stored = await withDatabase(ctx.databaseUrl, async (client) => {
    const ids = await client.query<{ id: string }>(
      `SELECT id FROM messages WHERE dedupe_key LIKE $1 || '.%' AND status = 'scheduled'`,
      [TAG],
    );
    const history = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM message_status_changes h JOIN messages m ON m.id = h.message_id
        WHERE m.dedupe_key LIKE $1 || '.%'`,
      [TAG],
    );
    return { ids: ids.rows.map((row) => row.id), history: Number(history.rows[0].n) };
  });
  const redis = new Redis(ctx.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let jobs = 0;
  let delayed = 0;
  try {
    const key = (id: string) => `${ctx.queuePrefix}:deliver:${id}`;
    for (let i = 0; i < stored.ids.length; i += 5_000) {
      const pipeline = redis.pipeline();
      for (const id of stored.ids.slice(i, i + 5_000))
        pipeline.zscore(`${ctx.queuePrefix}:deliver:delayed`, id).exists(key(id));
      const answers = (await pipeline.exec()) ?? [];
      for (let j = 0; j < answers.length; j += 2) {
        if (answers[j][1] !== null) delayed++;
        if (answers[j + 1][1] === 1) jobs++;
      }
    }
  } finally {
    redis.disconnect();
  }
  const expected = SETTINGS.messages;
  if (stored.ids.length !== expected) {
    problems.push(`stored: ${stored.ids.length} scheduled rows, not ${expected}`);
  }
  if (stored.history !== expected)
    problems.push(`stored: ${stored.history} history rows, not ${expected}`);
  if (jobs !== expected || delayed !== expected) {
    problems.push(
      `stored: ${jobs} deliver jobs (${delayed} of them delayed) for ${expected} messages`,
    );
  }
  ctx.log(
    `stored: ${formatNumber(stored.ids.length)} scheduled rows, ${formatNumber(stored.history)} history rows, ` +
      `${formatNumber(jobs)} deliver jobs under the messages' ids (${formatNumber(delayed)} delayed)`,
  );
  return { rows: stored.ids.length, history: stored.history, jobs, delayed };
}

/** The same number of rows and jobs written straight to Postgres and Redis. */
function ceilingPhase(ctx: BenchContext, customerIds: string[], sendAt: Date, problems: string[]) {
  const { concurrency, page, messages } = SETTINGS;
  const requests = promotionRequests({ tag: RAW_TAG, count: messages, customerIds, sendAt });
  const pages = Array.from({ length: Math.ceil(messages / page) }, (_, i) =>
    requests.slice(i * page, (i + 1) * page),
  );
  ctx.log(
    `ceilings: the same ${formatNumber(messages)} rows and jobs, ${concurrency} statements or addBulk ` +
      `calls at a time, ${formatNumber(page)} each…`,
  );
  return rawMessageStorage(ctx, problems, { pages, tag: RAW_TAG, sendAt, concurrency });
}

function figuresOf(schedule: SchedulePhase, ceilings: MessageStorageCeilings): Figure[] {
  const { usage } = schedule.cpu;
  const created = schedule.run.created;
  const cpuPerMessageUs = (percents: (number | null)[]) => {
    const ms = cpuMsPerUnit(schedule.cpu, created, percents);
    return ms === null ? null : ms * 1000;
  };
  // Interrupts take the same cores, as in the other sections' totals.
  const allParties = [
    usage.servicePercent,
    usage.postgresPercent,
    usage.redisPercent,
    usage.irqPercent,
  ];
  const ratio = (key: string, label: string, value: number) => ({
    key,
    label,
    value,
    unit: '×',
    digits: 2,
  });
  return [
    {
      key: 'scheduleMessagesPerSec',
      label: `schedule(): messages/s (${SETTINGS.concurrency} × pages of ${SETTINGS.page})`,
      value: schedule.perSec,
      unit: 'msg/s',
      target: TARGETS.messagesPerSec,
    },
    {
      key: 'schedulerCpuUs',
      label: 'schedule(): scheduler CPU per message',
      value: cpuPerMessageUs([usage.servicePercent]),
      unit: 'µs',
    },
    {
      key: 'schedulePostgresCpuUs',
      label: 'schedule(): Postgres CPU per message',
      value: cpuPerMessageUs([usage.postgresPercent]),
      unit: 'µs',
    },
    {
      key: 'scheduleRedisCpuUs',
      label: 'schedule(): Redis CPU per message',
      value: cpuPerMessageUs([usage.redisPercent]),
      unit: 'µs',
    },
    {
      key: 'scheduleTotalCpuUs',
      label: 'schedule(): CPU per message, scheduler + Postgres + Redis + interrupts',
      value: cpuPerMessageUs(allParties),
      unit: 'µs',
    },
    {
      key: 'scheduleMachineBoundPerSec',
      label: `schedule(): the most ${usage.cores ?? '?'} cores allow at that CPU per message`,
      value: machineBoundPerSec(schedule.cpu, cpuMsPerUnit(schedule.cpu, created, allParties)),
      unit: 'msg/s',
    },
    {
      key: 'rawInsertRowsPerSec',
      label: 'raw Postgres insert',
      value: ceilings.insert.perSec,
      unit: 'rows/s',
    },
    {
      key: 'rawHistoryRowsPerSec',
      label: 'raw history insert',
      value: ceilings.history.perSec,
      unit: 'rows/s',
    },
    {
      key: 'rawAddBulkJobsPerSec',
      label: 'raw BullMQ addBulk (delayed)',
      value: ceilings.redis.perSec,
      unit: 'jobs/s',
    },
    {
      key: 'rawStorageMessagesPerSec',
      label: 'raw insert + history + addBulk',
      value: ceilings.storagePerSec,
      unit: 'msg/s',
    },
    ratio(
      'ratioScheduleToInsert',
      'ratio schedule ÷ raw insert',
      schedule.perSec / ceilings.insert.perSec,
    ),
    ratio(
      'ratioScheduleToAddBulk',
      'ratio schedule ÷ raw addBulk',
      schedule.perSec / ceilings.redis.perSec,
    ),
    ratio(
      'ratioScheduleToStorage',
      'ratio schedule ÷ raw storage steps',
      schedule.perSec / ceilings.storagePerSec,
    ),
  ];
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const problems: string[] = [];
  const started = performance.now();
  const customerIds = await withDatabase(ctx.databaseUrl, (client) =>
    seedCustomers(client, SETTINGS.customers, 'bs'),
  );
  ctx.log(
    `seeded ${formatNumber(customerIds.length)} customers in ${formatNumber(performance.now() - started)} ms`,
  );
  const sendAt = new Date(Date.now() + SETTINGS.sendInMs);
  const schedule = await schedulePhase(ctx, sendAt, problems);
  const stored = await checkStored(ctx, problems);
  const ceilings = await ceilingPhase(ctx, customerIds, sendAt, problems);
  ctx.log(
    `schedule ÷ raw insert ${formatNumber(schedule.perSec / ceilings.insert.perSec, 2)}, ` +
      `÷ raw addBulk ${formatNumber(schedule.perSec / ceilings.redis.perSec, 2)}, ` +
      `÷ raw storage steps ${formatNumber(schedule.perSec / ceilings.storagePerSec, 2)}`,
  );
  return {
    figures: figuresOf(schedule, ceilings),
    problems,
    details: {
      settings: SETTINGS,
      schedule: {
        ...schedule.run,
        messagesPerSec: schedule.perSec,
        cpu: schedule.cpu,
        postgresSessions: schedule.activity,
      },
      stored,
      ceilings,
    },
  };
}

export const schedulingBench: BenchSection = {
  name: 'scheduling',
  title: 'Scheduling: MessagesService.schedule (rows and delayed jobs) vs raw ceilings',
  run,
};
