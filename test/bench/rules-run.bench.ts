import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createApiKey, requestJson } from './support/api-client';
import { markValuesComputed } from './support/bench-rules';
import { MessageStorageCeilings, rawMessageStorage } from './support/message-storage-ceilings';
import { promotionRequests, TIME_ZONES } from './support/message-mix';
import { describeActivity, sampleActivity } from './support/pg-activity';
import { describeParties, measureParties, PartiesCpu } from './support/process-cpu';
import { residentMemory } from './support/rss';
import { withDatabase } from './support/scratch-db';
import { BenchContext, BenchSection, Figure, SectionResult } from './support/section';
import type { RunningService } from './support/service';
import { formatNumber } from './support/table';

/**
 * A schedule rule over a million customers: from its cron tick to the last message row
 * committed, with the `deliver` jobs of the messages due within DELIVER_JOB_HORIZON_MS in
 * Redis (the others get theirs from the DeliverPromoter later), with one worker process
 * (`dist/worker.js`) whose peak resident memory is read from the kernel (VmHWM). The rule is
 * the typical weekly promotion of reinforcing-promotions (a personal code per customer, 10 %
 * held out, sent the next day so nothing is delivered meanwhile, and beyond the horizon, so
 * no job is added during the run). Then, as ceilings, the same message rows, their history
 * rows and delayed jobs written straight to Postgres and Redis, one page at a time like the
 * run (the jobs are what messages due within the horizon cost).
 */
const SETTINGS = {
  customers: Number(process.env.BENCH_RULES_CUSTOMERS ?? 1_000_000),
  holdoutPercent: 10,
  /** The tick is this far after the rule is saved: time for the scheduler to be set. */
  tickInSec: 8,
  /** The ceilings write this many rows and jobs (their rate, not their total, is compared). */
  ceilingMessages: 200_000,
  ceilingPage: 1_000,
  /** Pages in flight for the ceilings: the run writes one page at a time. */
  ceilingConcurrency: 1,
  runTimeoutSec: 900,
  /** DELIVER_JOB_HORIZON_MS of the services (the default); the checks depend on it. */
  jobHorizonMs: 3_600_000,
};

const TARGETS = {
  runSeconds: { op: '<=', value: 60 },
  workerPeakRssMb: { op: '<', value: 400 },
} as const;

const TEMPLATE = 'reinforcing-promotions.promotion';

interface RunProgress {
  id: string;
  status: string;
  triggeredAt: string;
  audienceSize: number | null;
  processed: number;
  scheduled: number;
  heldOut: number;
  skipped: Record<string, number>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** A million customers in 8 zones, all with consent and a profitable tier. */
async function seed(ctx: BenchContext) {
  const started = performance.now();
  await withDatabase(ctx.databaseUrl, async (client) => {
    await client.query(
      `INSERT INTO customers (external_id, email, first_name, locale, timezone, marketing_consent,
                              orders_count, total_spent, last_order_at, value_tier)
       SELECT 'br-' || i, 'br-' || i || '@bench.invalid', 'Ada', 'en',
              ($2::text[])[1 + i % cardinality($2::text[])], true,
              1 + i % 7, (20 + i % 500)::numeric, now() - make_interval(days => i % 300),
              (ARRAY['gold', 'silver', 'bronze'])[1 + i % 3]
         FROM generate_series(1, $1::int) AS i`,
      [SETTINGS.customers, TIME_ZONES],
    );
    await markValuesComputed(client);
    await client.query('ANALYZE customers');
    // The seed's WAL (about 470 MB for a million customers) and dirty pages belong to the
    // setup: without this, the checkpoint they set off lands inside the timed run, in some
    // runs and not others (300,000-customer runs varied from 21 to 27 s on one host).
    await client.query('CHECKPOINT');
  });
  ctx.log(
    `seeded ${formatNumber(SETTINGS.customers)} customers in ${formatNumber((performance.now() - started) / 1000, 1)} s`,
  );
}

/** A six-field cron (seconds first) that fires once a year: at `at`, in UTC. */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

async function createRule(api: RunningService, key: string, tickAt: Date): Promise<string> {
  const { status, body } = await requestJson<{ id?: string }>(
    api.baseUrl,
    'POST',
    '/v1/rules',
    key,
    {
      name: 'Weekly thank-you code, everyone profitable',
      module: 'reinforcing-promotions',
      trigger: { type: 'schedule', cron: cronAt(tickAt), timezone: 'UTC' },
      conditions: { field: 'customer.valueTier', op: 'in', value: ['gold', 'silver', 'bronze'] },
      delay: 'P1D',
      action: {
        type: 'email',
        template: TEMPLATE,
        promotion: { codePrefix: 'THANKS', discountPercent: 15, validFor: 'P14D' },
      },
      reentry: { every: 'P6D' },
      holdoutPercent: SETTINGS.holdoutPercent,
      status: 'active',
    },
  );
  if (status !== 201 || !body.id) {
    throw new Error(`POST /v1/rules answered ${status}: ${JSON.stringify(body)}`);
  }
  return body.id;
}

interface RunPhase {
  run: RunProgress;
  seconds: number;
  messagesPerSec: number;
  peakRssMb: number | null;
  sampledPeakRssMb: number | null;
  cpu: PartiesCpu;
  activity: { state: string; sessions: number }[];
}

async function runPhase(ctx: BenchContext, problems: string[]): Promise<RunPhase> {
  const env = { DELIVER_JOB_HORIZON_MS: String(SETTINGS.jobHorizonMs) };
  const api = await ctx.startService({ role: 'api', name: 'rules-run-api', env });
  const worker = await ctx.startService({ role: 'worker', name: 'rules-run-worker', env });
  const key = await createApiKey(api.baseUrl, ctx.adminApiKey, 'bench rules', 'marketer');
  const tickAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + SETTINGS.tickInSec * 1000);
  const ruleId = await createRule(api, key, tickAt);
  ctx.log(`rule ${ruleId} fires at ${tickAt.toISOString()} (cron "${cronAt(tickAt)}" UTC)`);

  const sampler = await sampleActivity(ctx.databaseUrl, 200);
  let measure: ReturnType<typeof measureParties> | undefined;
  let sampledPeak = 0;
  let last: RunProgress | undefined;
  let lastLogged = 0;
  const deadline = Date.now() + (SETTINGS.tickInSec + SETTINGS.runTimeoutSec) * 1000;
  try {
    for (;;) {
      if (worker.exited()) throw new Error(`the worker exited; see ${worker.logFile}`);
      if (Date.now() > deadline) throw new Error('the run did not finish in time');
      const rss = residentMemory(worker.pid);
      if (rss) sampledPeak = Math.max(sampledPeak, rss.rssMb);
      const { body } = await requestJson<{ items: RunProgress[] }>(
        api.baseUrl,
        'GET',
        `/v1/rules/${ruleId}/runs`,
        key,
      );
      last = body.items[0];
      if (last && !measure) measure = measureParties(worker.pid, {});
      if (last && Date.now() - lastLogged > 5_000) {
        lastLogged = Date.now();
        ctx.log(
          `run ${last.status}: ${formatNumber(last.processed)} of ${formatNumber(last.audienceSize)} ` +
            `(worker RSS ${formatNumber(rss?.rssMb)} MB)`,
        );
      }
      if (last && last.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await sampler.stop().catch(() => undefined);
    throw error;
  }
  const cpu = measure!({ postgresPids: await sampler.pids() });
  const activity = (await sampler.stop()).shares;
  const peak = residentMemory(worker.pid);
  const run = last;
  if (run.status !== 'completed') problems.push(`the run ended ${run.status}: ${run.error}`);
  if (run.processed !== SETTINGS.customers || run.audienceSize !== SETTINGS.customers) {
    problems.push(
      `the run processed ${run.processed} of an audience of ${run.audienceSize}, not ${SETTINGS.customers}`,
    );
  }
  if (Object.keys(run.skipped).length > 0) problems.push(`skipped: ${JSON.stringify(run.skipped)}`);
  const seconds =
    (new Date(run.finishedAt ?? Date.now()).getTime() - new Date(run.triggeredAt).getTime()) / 1000;
  const result: RunPhase = {
    run,
    seconds,
    messagesPerSec: (run.scheduled + run.heldOut) / seconds,
    peakRssMb: peak?.peakMb ?? null,
    sampledPeakRssMb: sampledPeak || null,
    cpu,
    activity,
  };
  ctx.log(
    `run: ${formatNumber(run.processed)} customers → ${formatNumber(run.scheduled)} scheduled + ` +
      `${formatNumber(run.heldOut)} held out in ${formatNumber(seconds, 1)} s from the tick to the last row ` +
      `committed with the jobs of the messages due within the horizon ` +
      `(${formatNumber(result.messagesPerSec)} messages/s); worker peak RSS ${formatNumber(result.peakRssMb)} MB`,
  );
  ctx.log(`run CPU: ${describeParties(cpu, { service: 'worker' })}`);
  ctx.log(`run Postgres sessions (average count): ${describeActivity(activity)}`);
  await worker.stop();
  await api.stop();
  return result;
}

/**
 * Every message row and every promotion; a `deliver` job for each scheduled message due
 * within the horizon of its scheduling (sometime between the tick and the end of the run),
 * none for the others, and the promoter's watermark below every message left without one, so
 * the promoter will add their jobs in time. A sample of the messages beyond the horizon is
 * looked up in Redis by id.
 */
async function checkStored(ctx: BenchContext, run: RunProgress, problems: string[]) {
  const horizon = `make_interval(secs => $3::double precision / 1000)`;
  const rows = await withDatabase(ctx.databaseUrl, async (client) => {
    const {
      rows: [counts],
    } = await client.query<{
      scheduled: string;
      held: string;
      customers: string;
      promotions: string;
      must_have_job: string;
      may_have_job: string;
      after_watermark: string;
      watermark: Date;
    }>(
      `WITH w AS (SELECT promoted_until FROM deliver_promotion WHERE id = 1)
       SELECT count(*) FILTER (WHERE status = 'scheduled') AS scheduled,
              count(*) FILTER (WHERE status = 'held_out') AS held,
              count(DISTINCT customer_id) AS customers,
              (SELECT count(*) FROM promotions) AS promotions,
              count(*) FILTER (WHERE status = 'scheduled' AND send_at <= $1::timestamptz + ${horizon})
                AS must_have_job,
              count(*) FILTER (WHERE status = 'scheduled' AND (send_at <= $2::timestamptz + ${horizon}
                                                             OR send_at <= (SELECT promoted_until FROM w)))
                AS may_have_job,
              count(*) FILTER (WHERE status = 'scheduled' AND send_at > (SELECT promoted_until FROM w))
                AS after_watermark,
              (SELECT promoted_until FROM w) AS watermark
         FROM messages`,
      [run.triggeredAt, run.finishedAt ?? new Date(), SETTINGS.jobHorizonMs],
    );
    const { rows: beyond } = await client.query<{ id: string }>(
      // Not promoted either (after the watermark): none of them may have a job yet.
      `SELECT id FROM messages
        WHERE status = 'scheduled'
          AND send_at > $1::timestamptz + make_interval(secs => $2::double precision / 1000)
          AND send_at > (SELECT promoted_until FROM deliver_promotion WHERE id = 1)
        ORDER BY random() LIMIT 1000`,
      [run.finishedAt ?? new Date(), SETTINGS.jobHorizonMs],
    );
    return { counts, beyond: beyond.map((row) => row.id) };
  });
  const redis = new Redis(ctx.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let jobs = 0;
  let sampledWithJob = 0;
  try {
    const key = (name: string) => `${ctx.queuePrefix}:deliver:${name}`;
    // The worker is stopped: every job is delayed or waiting (a due one not yet taken).
    jobs = (await redis.zcard(key('delayed'))) + (await redis.llen(key('wait')));
    const pipeline = redis.pipeline();
    for (const id of rows.beyond) pipeline.exists(key(id));
    for (const [, found] of (await pipeline.exec()) ?? []) if (found === 1) sampledWithJob++;
  } finally {
    redis.disconnect();
  }
  const { counts } = rows;
  const stored = {
    scheduled: Number(counts.scheduled),
    heldOut: Number(counts.held),
    customers: Number(counts.customers),
    promotions: Number(counts.promotions),
    deliverJobs: jobs,
    dueWithinHorizon: Number(counts.must_have_job),
    mayHaveJob: Number(counts.may_have_job),
    afterWatermark: Number(counts.after_watermark),
    watermark: counts.watermark,
    sampledBeyondHorizon: rows.beyond.length,
    sampledBeyondHorizonWithJob: sampledWithJob,
  };
  if (stored.scheduled !== run.scheduled || stored.heldOut !== run.heldOut) {
    problems.push(
      `stored ${stored.scheduled} scheduled and ${stored.heldOut} held-out rows; the run counted ${run.scheduled} and ${run.heldOut}`,
    );
  }
  if (stored.customers !== SETTINGS.customers)
    problems.push(`messages reach ${stored.customers} customers, not ${SETTINGS.customers}`);
  if (stored.promotions !== stored.scheduled)
    problems.push(`${stored.promotions} promotion codes for ${stored.scheduled} messages`);
  if (jobs < stored.dueWithinHorizon || jobs > stored.mayHaveJob)
    problems.push(
      `${jobs} deliver jobs; between ${stored.dueWithinHorizon} (due within the horizon of the tick) and ` +
        `${stored.mayHaveJob} (of the run's end, or promoted) expected`,
    );
  if (stored.afterWatermark < stored.scheduled - jobs)
    problems.push(
      `${stored.scheduled - jobs} scheduled messages without a job but only ${stored.afterWatermark} ` +
        `due after the promoter's watermark (${counts.watermark?.toISOString()}): some would never get one`,
    );
  if (sampledWithJob > 0)
    problems.push(
      `${sampledWithJob} of ${rows.beyond.length} sampled messages beyond the horizon have a job`,
    );
  ctx.log(
    `stored: ${formatNumber(stored.scheduled)} scheduled + ${formatNumber(stored.heldOut)} held-out rows for ` +
      `${formatNumber(stored.customers)} customers, ${formatNumber(stored.promotions)} codes; ` +
      `${formatNumber(jobs)} deliver jobs for ${formatNumber(stored.dueWithinHorizon)} messages due within the ` +
      `${formatNumber(SETTINGS.jobHorizonMs / 60_000)}-minute horizon; ${formatNumber(sampledWithJob)} of ` +
      `${formatNumber(rows.beyond.length)} sampled beyond it with a job; ${formatNumber(stored.afterWatermark)} ` +
      `due after the promoter's watermark (${counts.watermark?.toISOString()}), which will add their jobs`,
  );
  return stored;
}

async function ceilingPhase(ctx: BenchContext, problems: string[]) {
  const { ceilingMessages: count, ceilingPage: page, ceilingConcurrency: concurrency } = SETTINGS;
  const customerIds = await withDatabase(ctx.databaseUrl, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM customers ORDER BY id LIMIT 10000',
    );
    return rows.map((row) => row.id);
  });
  const sendAt = new Date(Date.now() + 86_400_000);
  const tag = `rr-raw-${randomUUID().slice(0, 6)}`;
  const requests = promotionRequests({
    tag,
    count,
    customerIds,
    sendAt,
  });
  const pages = Array.from({ length: Math.ceil(count / page) }, (_, i) =>
    requests.slice(i * page, (i + 1) * page),
  );
  ctx.log(
    `ceilings: ${formatNumber(count)} message rows, history rows and delayed jobs, ` +
      `${concurrency} page of ${formatNumber(page)} at a time (as the run writes)…`,
  );
  return rawMessageStorage(ctx, problems, { pages, tag, sendAt, concurrency });
}

function figuresOf(run: RunPhase, ceilings: MessageStorageCeilings): Figure[] {
  const ratio = (key: string, label: string, value: number): Figure => ({
    key,
    label,
    value,
    unit: '×',
    digits: 2,
  });
  return [
    {
      key: 'runSeconds',
      label: `schedule run over ${formatNumber(SETTINGS.customers)} customers, tick → last row (+ jobs due within the horizon)`,
      value: run.seconds,
      unit: 's',
      digits: 1,
      target: TARGETS.runSeconds,
    },
    {
      key: 'runMessagesPerSec',
      label: 'schedule run: messages/s (rows, held out included)',
      value: run.messagesPerSec,
      unit: 'msg/s',
    },
    {
      key: 'workerPeakRssMb',
      label: 'worker peak RSS (VmHWM)',
      value: run.peakRssMb,
      unit: 'MB',
      target: TARGETS.workerPeakRssMb,
    },
    {
      key: 'rawInsertRowsPerSec',
      label: 'raw Postgres insert (1 page at a time)',
      value: ceilings.insert.perSec,
      unit: 'rows/s',
    },
    {
      key: 'rawHistoryRowsPerSec',
      label: 'raw history insert (1 page at a time)',
      value: ceilings.history.perSec,
      unit: 'rows/s',
    },
    {
      key: 'rawAddBulkJobsPerSec',
      label: 'raw BullMQ addBulk, delayed (1 page at a time)',
      value: ceilings.redis.perSec,
      unit: 'jobs/s',
    },
    ratio(
      'ratioRunToInsert',
      'ratio run ÷ raw insert',
      run.messagesPerSec / ceilings.insert.perSec,
    ),
    ratio(
      'ratioRunToAddBulk',
      'ratio run ÷ raw addBulk',
      run.messagesPerSec / ceilings.redis.perSec,
    ),
  ];
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const problems: string[] = [];
  await seed(ctx);
  const runResult = await runPhase(ctx, problems);
  const stored = await checkStored(ctx, runResult.run, problems);
  const ceilings = await ceilingPhase(ctx, problems);
  ctx.log(
    `run ÷ raw insert ${formatNumber(runResult.messagesPerSec / ceilings.insert.perSec, 2)}, ` +
      `÷ raw addBulk ${formatNumber(runResult.messagesPerSec / ceilings.redis.perSec, 2)}`,
  );
  return {
    figures: figuresOf(runResult, ceilings),
    problems,
    details: {
      settings: SETTINGS,
      run: {
        ...runResult.run,
        seconds: runResult.seconds,
        messagesPerSec: runResult.messagesPerSec,
        peakRssMb: runResult.peakRssMb,
        sampledPeakRssMb: runResult.sampledPeakRssMb,
        cpu: runResult.cpu,
        postgresSessions: runResult.activity,
      },
      stored,
      ceilings,
    },
  };
}

export const rulesRunBench: BenchSection = {
  name: 'rules-run',
  title: 'Rules: a schedule rule over 1,000,000 customers vs raw ceilings',
  run,
};
