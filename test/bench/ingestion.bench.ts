import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { evaluateJobId, QUEUES } from '../../src/common/queue/queues';
import { redisOptions } from '../../src/common/redis/redis-options';
import { createApiKey } from './support/api-client';
import { CpuUsage, measureCpu } from './support/cpu-usage';
import {
  benchCustomerId,
  benchProducts,
  BenchEvent,
  countTypes,
  generateBatches,
} from './support/event-mix';
import { LoadResult, runLoad } from './support/load';
import { withDatabase } from './support/scratch-db';
import { BenchContext, BenchSection, Figure, SectionResult } from './support/section';
import { RunningService } from './support/service';
import { LatencySummary, perSecond, summarizeLatencies } from './support/stats';
import { formatNumber } from './support/table';

/**
 * Ingestion: how many events per second the API stores through POST /v1/events/batch, the
 * latency of POST /v1/events at a steady 500 requests/s, and how close the batch figure
 * comes to what Postgres and Redis manage on their own (raw multi-row insert, BullMQ addBulk).
 */
const SETTINGS = {
  customers: 10_000,
  products: 20,
  batch: { count: 180, size: 1000, connections: 6, warmup: 4, timeoutSec: 120 },
  single: { rate: 500, durationSec: 20, warmupSec: 3, connections: 20 },
  ceiling: { connections: 6 },
};

const TARGETS = {
  batchEventsPerSec: { op: '>=', value: 10_000 },
  singleP99Ms: { op: '<', value: 25 },
} as const;

const STEP_MS = 5_000;

interface BatchTally {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedSamples: string[];
  otherAnswers: Map<number, string>;
}

function tallyBatchAnswers(): {
  tally: BatchTally;
  onAnswer: (status: number, body: string) => void;
} {
  const tally: BatchTally = {
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedSamples: [],
    otherAnswers: new Map(),
  };
  const onAnswer = (status: number, body: string) => {
    if (status !== 202) {
      if (!tally.otherAnswers.has(status)) tally.otherAnswers.set(status, body.slice(0, 400));
      return;
    }
    const answer = JSON.parse(body) as {
      accepted: number;
      duplicates: number;
      rejected: unknown[];
    };
    tally.accepted += answer.accepted;
    tally.duplicates += answer.duplicates;
    tally.rejected += answer.rejected.length;
    for (const item of answer.rejected.slice(0, 3 - tally.rejectedSamples.length)) {
      tally.rejectedSamples.push(JSON.stringify(item));
    }
  };
  return { tally, onAnswer };
}

/** Everything a load left unanswered or answered with something other than 202. */
function loadProblems(what: string, load: LoadResult): string[] {
  const problems: string[] = [];
  const non202 = Object.entries(load.statusCounts).filter(([status]) => status !== '202');
  if (non202.length > 0) {
    problems.push(
      `${what}: answers other than 202: ${non202.map(([status, n]) => `${n} × ${status}`).join(', ')}`,
    );
  }
  if (load.errors > 0) {
    problems.push(`${what}: ${load.errors} request error(s), ${load.timeouts} of them timeouts`);
  }
  return problems;
}

const cpuLine = (usage: CpuUsage) =>
  [
    `service ${formatNumber(usage.servicePercent)} %`,
    `postgres ${formatNumber(usage.postgresPercent)} %`,
    `redis ${formatNumber(usage.redisPercent)} %`,
    `load generator ${formatNumber(usage.generatorPercent)} %`,
    `(of one core; machine ${formatNumber(usage.machinePercent)} % of ${usage.cores ?? '?'} cores)`,
  ].join(', ');

const latencyLine = (summary: LatencySummary) =>
  `p50 ${formatNumber(summary.p50, 1)} ms, p90 ${formatNumber(summary.p90, 1)} ms, p99 ${formatNumber(summary.p99, 1)} ms, max ${formatNumber(summary.max, 1)} ms`;

async function seed(ctx: BenchContext): Promise<Map<string, string>> {
  return withDatabase(ctx.databaseUrl, async (client) => {
    await client.query(
      `INSERT INTO customers (external_id, email, timezone, marketing_consent)
       SELECT 'bc-' || i, 'bc-' || i || '@bench.invalid',
              (ARRAY['Europe/Paris', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'])[1 + i % 4],
              i % 3 <> 0
         FROM generate_series(1, $1::int) AS i`,
      [SETTINGS.customers],
    );
    const products = benchProducts(SETTINGS.products);
    await client.query(
      `INSERT INTO products (sku, name, price, currency, category)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::char(3)[], $5::text[])`,
      [
        products.map((p) => p.sku),
        products.map((p) => p.name),
        products.map((p) => p.priceCents / 100),
        products.map(() => 'EUR'),
        products.map((p) => p.category),
      ],
    );
    await client.query('ANALYZE customers; ANALYZE products');
    const rows = await client.query<{ id: string; external_id: string }>(
      'SELECT id, external_id FROM customers',
    );
    return new Map(rows.rows.map((row) => [row.external_id, row.id]));
  });
}

async function startApi(ctx: BenchContext, name: string) {
  const service = await ctx.startService({ role: 'api', name, env: { LOG_LEVEL: 'warn' } });
  const key = await createApiKey(service.baseUrl, ctx.adminApiKey, `bench ${name}`, 'ingest');
  return { service, key };
}

const jsonHeaders = (key: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${key}`,
});

/** POST /v1/events/batch with pre-serialized bodies, each sent once. */
async function runBatches(
  service: RunningService,
  key: string,
  bodies: Buffer[],
  connections: number,
) {
  let cursor = 0;
  const { tally, onAnswer } = tallyBatchAnswers();
  const load = await runLoad({
    url: service.baseUrl,
    method: 'POST',
    path: '/v1/events/batch',
    headers: jsonHeaders(key),
    nextBody: () => {
      if (cursor >= bodies.length)
        throw new Error('ran out of batch bodies: one would be sent twice');
      return bodies[cursor++];
    },
    onAnswer,
    connections,
    amount: bodies.length,
    timeoutSec: SETTINGS.batch.timeoutSec,
  });
  return { load, tally };
}

/** Rows of the raw insert: the batch test's events again, under new ids. */
function rawInsertChunks(batches: BenchEvent[][], customerIds: Map<string, string>) {
  return batches.map((events) => [
    events.map((e) => `raw.${e.id}`),
    events.map((e) => e.type),
    events.map((e) => customerIds.get(e.customerId)!),
    events.map((e) => e.occurredAt),
    events.map((e) => JSON.stringify(e.properties)),
  ]);
}

/** Runs `work` on chunk after chunk with `concurrency` of them in flight; returns the wall time. */
async function timedChunks<T>(chunks: T[], concurrency: number, work: (chunk: T) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < chunks.length) await work(chunks[next++]);
    }),
  );
  return performance.now() - started;
}

async function rawPostgresCeiling(ctx: BenchContext, chunks: string[][][], concurrency: number) {
  const pool = new Pool({ connectionString: ctx.databaseUrl, max: concurrency });
  try {
    await Promise.all(Array.from({ length: concurrency }, () => pool.query('SELECT 1')));
    let rows = 0;
    const wallMs = await timedChunks(chunks, concurrency, async (params) => {
      const result = await pool.query(
        `INSERT INTO events (id, type, customer_id, occurred_at, properties)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::jsonb[])
         ON CONFLICT (id) DO NOTHING`,
        params,
      );
      rows += result.rowCount ?? 0;
    });
    return { rows, wallMs };
  } finally {
    await pool.end();
  }
}

async function rawRedisCeiling(ctx: BenchContext, batches: BenchEvent[][], concurrency: number) {
  // Same job shape and options as the API's `evaluate` jobs, on a queue no worker reads.
  const queue = new Queue('bench-ceiling', {
    connection: redisOptions(ctx.redisUrl, 'producer'),
    prefix: ctx.queuePrefix,
  });
  queue.on('error', (error) => ctx.log(`bench-ceiling queue: ${error.message}`));
  try {
    await queue.waitUntilReady();
    const jobs = batches.map((events) =>
      events.map((e) => ({
        name: QUEUES.evaluate.jobName,
        data: { eventId: `rawq.${e.id}` },
        opts: { ...QUEUES.evaluate.defaults, jobId: evaluateJobId(`rawq.${e.id}`) },
      })),
    );
    let added = 0;
    const wallMs = await timedChunks(jobs, concurrency, async (chunk) => {
      added += (await queue.addBulk(chunk)).length;
    });
    return { jobs: added, wallMs };
  } finally {
    await queue.close();
  }
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const problems: string[] = [];
  const { batch, single, ceiling } = SETTINGS;

  // 1. Data the events refer to, and the traffic itself, before any clock starts.
  let started = performance.now();
  const customerIds = await seed(ctx);
  ctx.log(
    `seeded ${formatNumber(customerIds.size)} customers and ${SETTINGS.products} products in ${formatNumber(performance.now() - started)} ms`,
  );
  started = performance.now();
  const runTag = `bench${Date.now().toString(36)}`;
  const totalBatches = batch.warmup + batch.count;
  const generated = generateBatches({
    runTag,
    batches: totalBatches,
    batchSize: batch.size,
    customers: SETTINGS.customers,
    products: benchProducts(SETTINGS.products),
    deliveryLag: batch.connections + 2,
    // All in the past: the API refuses events more than a day ahead.
    startAt: new Date(Date.now() - (totalBatches * batch.size + 60) * STEP_MS),
    stepMs: STEP_MS,
  });
  const bodies = generated.map((events) => Buffer.from(JSON.stringify({ events })));
  const warmupBodies = bodies.slice(0, batch.warmup);
  const timedBodies = bodies.slice(batch.warmup);
  const timedBatches = generated.slice(batch.warmup);
  const timedEvents = batch.count * batch.size;
  const bodyBytes = timedBodies.reduce((sum, body) => sum + body.length, 0);
  ctx.log(
    `generated ${formatNumber(totalBatches * batch.size)} events in ${formatNumber(performance.now() - started)} ms ` +
      `(${batch.warmup} warm-up + ${batch.count} timed batches of ${batch.size}, ` +
      `${formatNumber(bodyBytes / timedBodies.length / 1024)} KiB per body); mix: ` +
      Object.entries(countTypes(timedBatches))
        .map(([type, n]) => `${type} ${formatNumber((100 * n) / timedEvents, 1)} %`)
        .join(', '),
  );
  ctx.log(
    'service: APP_ROLE=api, i.e. ingestion only; no worker runs, so `evaluate` jobs pile up ' +
      `in Redis under the prefix ${ctx.queuePrefix} (deleted at the end)`,
  );

  // 2. Batch throughput.
  const batchApi = await startApi(ctx, 'api-batch');
  const warm = await runBatches(batchApi.service, batchApi.key, warmupBodies, 2);
  problems.push(...loadProblems('batch warm-up', warm.load));
  ctx.log(
    `batch: ${batch.count} × ${batch.size} events, ${batch.connections} connections (after ${batch.warmup} warm-up batches)…`,
  );
  const batchCpu = measureCpu(batchApi.service.pid);
  const batchRun = await runBatches(batchApi.service, batchApi.key, timedBodies, batch.connections);
  const batchUsage = batchCpu();
  await batchApi.service.stop();
  const batchLatency = summarizeLatencies(batchRun.load.latenciesMs);
  const batchEventsPerSec = perSecond(batchRun.tally.accepted, batchRun.load.wallMs);
  problems.push(...loadProblems('batch', batchRun.load));
  for (const [label, tally] of [
    ['batch warm-up', warm.tally],
    ['batch', batchRun.tally],
  ] as const) {
    for (const [status, body] of tally.otherAnswers) {
      problems.push(`${label}: a ${status} answer: ${body}`);
    }
    if (tally.rejected > 0) {
      problems.push(
        `${label}: ${tally.rejected} event(s) REJECTED, e.g. ${tally.rejectedSamples.join(' | ')}`,
      );
    }
    if (tally.duplicates > 0) {
      problems.push(
        `${label}: ${tally.duplicates} event(s) answered as duplicates, but every id was new`,
      );
    }
  }
  if (batchRun.tally.accepted !== timedEvents) {
    problems.push(
      `batch: ${formatNumber(batchRun.tally.accepted)} of ${formatNumber(timedEvents)} events accepted`,
    );
  }
  ctx.log(
    `batch: ${formatNumber(batchRun.tally.accepted)} accepted, ${batchRun.tally.duplicates} duplicates, ` +
      `${batchRun.tally.rejected} rejected in ${formatNumber(batchRun.load.wallMs / 1000, 2)} s → ` +
      `${formatNumber(batchEventsPerSec)} events/s; request latency ${latencyLine(batchLatency)}`,
  );
  ctx.log(`batch CPU: ${cpuLine(batchUsage)}`);

  // 3. Single events at a fixed rate, on a fresh process so the batch test's heap does not weigh on it.
  const singleApi = await startApi(ctx, 'api-single');
  let sequence = 0;
  const occurredAt = new Date(Date.now() - 3600_000).toISOString();
  const singleBody = () => {
    const n = sequence++;
    return (
      `{"id":"${runTag}-s${n}","type":"page.viewed","customerId":"${benchCustomerId(1 + (n % SETTINGS.customers))}",` +
      `"occurredAt":"${occurredAt}","properties":{"path":"/p/${n % 97}","source":"web"}}`
    );
  };
  const singleAnswers = { accepted: 0, duplicate: 0, other: new Map<number, string>() };
  const singleLoad = (durationSec: number) =>
    runLoad({
      url: singleApi.service.baseUrl,
      method: 'POST',
      path: '/v1/events',
      headers: jsonHeaders(singleApi.key),
      nextBody: singleBody,
      onAnswer: (status, body) => {
        if (status !== 202) {
          if (!singleAnswers.other.has(status)) singleAnswers.other.set(status, body.slice(0, 400));
        } else if (body.includes('"status":"accepted"')) singleAnswers.accepted++;
        else singleAnswers.duplicate++;
      },
      connections: single.connections,
      overallRate: single.rate,
      durationSec,
    });
  const singleWarmup = await singleLoad(single.warmupSec);
  problems.push(...loadProblems('single warm-up', singleWarmup));
  const acceptedInWarmup = singleAnswers.accepted;
  ctx.log(
    `single: POST /v1/events at ${single.rate} requests/s for ${single.durationSec} s, ` +
      `${single.connections} connections (after ${single.warmupSec} s of warm-up)…`,
  );
  const singleCpu = measureCpu(singleApi.service.pid);
  const singleRun = await singleLoad(single.durationSec);
  const singleUsage = singleCpu();
  await singleApi.service.stop();
  const singleLatency = summarizeLatencies(singleRun.latenciesMs);
  const singleRate = perSecond(singleRun.answers, singleRun.wallMs);
  const singleNon2xx = Object.entries(singleRun.statusCounts)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  problems.push(...loadProblems('single', singleRun));
  for (const [status, body] of singleAnswers.other)
    problems.push(`single: a ${status} answer: ${body}`);
  if (singleAnswers.duplicate > 0) {
    problems.push(
      `single: ${singleAnswers.duplicate} event(s) answered as duplicates, but every id was new`,
    );
  }
  ctx.log(
    `single: ${formatNumber(singleRun.answers)} answers (${formatNumber(singleAnswers.accepted - acceptedInWarmup)} accepted) ` +
      `at ${formatNumber(singleRate, 1)} requests/s, ${singleNon2xx} non-2xx; latency ${latencyLine(singleLatency)}`,
  );
  ctx.log(`single CPU: ${cpuLine(singleUsage)}`);

  // 4. What the API stored and queued, seen from Postgres.
  const stored = await withDatabase(ctx.databaseUrl, async (client) => {
    const { rows } = await client.query<{
      batch: string;
      all: string;
      unqueued: string;
      orders: string;
      delivered: string;
    }>(
      `SELECT (SELECT count(*) FROM events WHERE id LIKE $1) AS batch,
              (SELECT count(*) FROM events) AS all,
              (SELECT count(*) FROM events WHERE enqueued_at IS NULL) AS unqueued,
              (SELECT count(*) FROM orders) AS orders,
              (SELECT count(*) FROM orders WHERE status = 'delivered') AS delivered`,
      [`${runTag}-b%`],
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) as Record<
      'batch' | 'all' | 'unqueued' | 'orders' | 'delivered',
      number
    >;
  });
  const acceptedTotal = warm.tally.accepted + batchRun.tally.accepted + singleAnswers.accepted;
  if (stored.all !== acceptedTotal) {
    problems.push(
      `the events table holds ${stored.all} rows but the API accepted ${acceptedTotal} events`,
    );
  }
  ctx.log(
    `stored: ${formatNumber(stored.all)} events, ${formatNumber(stored.orders)} orders (${formatNumber(stored.delivered)} delivered); ` +
      `${formatNumber(stored.unqueued)} event(s) not queued`,
  );
  if (stored.unqueued > 0) {
    ctx.log(
      `WARNING: ${stored.unqueued} accepted event(s) never reached Redis (the add timed out); with a worker, ` +
        'the relay would queue them later',
    );
  }

  // 5. Ceilings: the same rows straight into Postgres, the same jobs straight into Redis.
  ctx.log(
    `ceilings: ${formatNumber(timedEvents)} rows, ${ceiling.connections} at a time in chunks of ${batch.size}…`,
  );
  const chunks = rawInsertChunks(timedBatches, customerIds);
  const pgCpu = measureCpu();
  const pg = await rawPostgresCeiling(ctx, chunks, ceiling.connections);
  const pgUsage = pgCpu();
  const pgRowsPerSec = perSecond(pg.rows, pg.wallMs);
  if (pg.rows !== timedEvents)
    problems.push(`raw insert: ${pg.rows} of ${timedEvents} rows inserted`);
  ctx.log(
    `raw Postgres insert: ${formatNumber(pg.rows)} rows in ${formatNumber(pg.wallMs / 1000, 2)} s → ${formatNumber(pgRowsPerSec)} rows/s (postgres ${formatNumber(pgUsage.postgresPercent)} % of one core)`,
  );
  const redisCpu = measureCpu();
  const redis = await rawRedisCeiling(ctx, timedBatches, ceiling.connections);
  const redisUsage = redisCpu();
  const redisJobsPerSec = perSecond(redis.jobs, redis.wallMs);
  ctx.log(
    `raw BullMQ addBulk: ${formatNumber(redis.jobs)} jobs in ${formatNumber(redis.wallMs / 1000, 2)} s → ${formatNumber(redisJobsPerSec)} jobs/s ` +
      `(redis ${formatNumber(redisUsage.redisPercent)} %, bench process ${formatNumber(redisUsage.generatorPercent)} % of one core)`,
  );
  // The API does both for every batch, one after the other.
  const serialPerSec = 1 / (1 / pgRowsPerSec + 1 / redisJobsPerSec);

  const figures: Figure[] = [
    {
      key: 'batchEventsPerSec',
      label: 'batch: accepted events/s',
      value: batchEventsPerSec,
      unit: 'events/s',
      target: TARGETS.batchEventsPerSec,
    },
    {
      key: 'batchRequestP50Ms',
      label: 'batch: request p50',
      value: batchLatency.p50,
      unit: 'ms',
      digits: 1,
    },
    {
      key: 'batchRequestP99Ms',
      label: 'batch: request p99',
      value: batchLatency.p99,
      unit: 'ms',
      digits: 1,
    },
    {
      key: 'batchServiceCpuPercent',
      label: 'batch: service CPU (% of a core)',
      value: batchUsage.servicePercent,
      unit: '%',
    },
    {
      key: 'batchPostgresCpuPercent',
      label: 'batch: Postgres CPU (% of a core)',
      value: batchUsage.postgresPercent,
      unit: '%',
    },
    {
      key: 'singleP50Ms',
      label: `single @ ${single.rate}/s: p50`,
      value: singleLatency.p50,
      unit: 'ms',
      digits: 1,
    },
    {
      key: 'singleP90Ms',
      label: `single @ ${single.rate}/s: p90`,
      value: singleLatency.p90,
      unit: 'ms',
      digits: 1,
    },
    {
      key: 'singleP99Ms',
      label: `single @ ${single.rate}/s: p99`,
      value: singleLatency.p99,
      unit: 'ms',
      digits: 1,
      target: TARGETS.singleP99Ms,
    },
    {
      key: 'singleAchievedRate',
      label: 'single: achieved rate',
      value: singleRate,
      unit: 'req/s',
      digits: 1,
    },
    { key: 'singleNon2xx', label: 'single: non-2xx answers', value: singleNon2xx, unit: '' },
    {
      key: 'rawPostgresRowsPerSec',
      label: 'raw Postgres insert',
      value: pgRowsPerSec,
      unit: 'rows/s',
    },
    {
      key: 'rawRedisJobsPerSec',
      label: 'raw BullMQ addBulk',
      value: redisJobsPerSec,
      unit: 'jobs/s',
    },
    {
      key: 'rawSerialPerSec',
      label: 'raw insert + addBulk, one after the other',
      value: serialPerSec,
      unit: 'rows/s',
    },
    {
      key: 'ratioApiToPostgres',
      label: 'ratio batch API ÷ raw insert',
      value: batchEventsPerSec / pgRowsPerSec,
      unit: '×',
      digits: 2,
    },
    {
      key: 'ratioApiToRedis',
      label: 'ratio batch API ÷ raw addBulk',
      value: batchEventsPerSec / redisJobsPerSec,
      unit: '×',
      digits: 2,
    },
    {
      key: 'ratioApiToSerial',
      label: 'ratio batch API ÷ insert + addBulk',
      value: batchEventsPerSec / serialPerSec,
      unit: '×',
      digits: 2,
    },
  ];

  return {
    figures,
    problems,
    details: {
      settings: SETTINGS,
      runTag,
      batch: {
        events: timedEvents,
        bodyBytes,
        wallMs: batchRun.load.wallMs,
        accepted: batchRun.tally.accepted,
        duplicates: batchRun.tally.duplicates,
        rejected: batchRun.tally.rejected,
        statusCounts: batchRun.load.statusCounts,
        latencyMs: batchLatency,
        cpu: batchUsage,
      },
      single: {
        answers: singleRun.answers,
        wallMs: singleRun.wallMs,
        statusCounts: singleRun.statusCounts,
        latencyMs: singleLatency,
        cpu: singleUsage,
      },
      stored,
      ceilings: {
        postgres: { ...pg, cpu: pgUsage },
        redis: { ...redis, cpu: redisUsage },
      },
    },
  };
}

export const ingestionBench: BenchSection = {
  name: 'ingestion',
  title: 'Ingestion: batch throughput, single-event latency, raw ceilings',
  run,
};
