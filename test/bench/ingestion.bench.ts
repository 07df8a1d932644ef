import { createApiKey } from './support/api-client';
import {
  EventColumns,
  rawAddJobs,
  rawInsertEvents,
  rawMarkEnqueued,
  stepTimer,
} from './support/ceilings';
import { describeCpu } from './support/cpu-usage';
import {
  benchCustomerId,
  BenchEvent,
  benchProducts,
  countTypes,
  generateBatches,
} from './support/event-mix';
import { LoadResult, loadProblems, runLoad } from './support/load';
import { runPacedLoad } from './support/paced-load';
import { observed, PhaseLoad } from './support/observe';
import { describeActivity, transactionStats } from './support/pg-activity';
import { withDatabase } from './support/scratch-db';
import { BenchContext, BenchSection, Figure, SectionResult } from './support/section';
import { describeLatency, perSecond } from './support/stats';
import { formatNumber } from './support/table';

/**
 * Ingestion: how many events per second the API stores through POST /v1/events/batch, the
 * latency of POST /v1/events at a steady 500 requests/s, and how close the batch figure
 * comes to what Postgres and Redis manage on their own (raw multi-row insert, BullMQ addBulk).
 */
const SETTINGS = {
  customers: 10_000,
  products: 20,
  batch: {
    count: 180,
    size: 1000,
    connections: 6,
    warmup: 4,
    timeoutSec: 60,
    deadlineSec: 240,
  },
  single: { rate: 500, durationSec: 20, warmupSec: 10, connections: 20 },
  ceiling: { connections: 6 },
};

const TARGETS = {
  batchEventsPerSec: { op: '>=', value: 10_000 },
  singleP99Ms: { op: '<', value: 25 },
} as const;

/** Time between two generated events' `occurredAt`. */
const STEP_MS = 5_000;

interface Traffic {
  runTag: string;
  warmupBodies: Buffer[];
  bodies: Buffer[];
  /** The timed batches' events (the raw ceilings write the same rows). */
  batches: BenchEvent[][];
  events: number;
  bodyBytes: number;
  customerIds: Map<string, string>;
}

interface BatchPhase extends PhaseLoad {
  eventsPerSec: number;
  tally: BatchTally;
  warmup: { load: LoadResult; tally: BatchTally };
  deadlocks: number;
  rollbacks: number;
}

interface SinglePhase extends PhaseLoad {
  rate: number;
  non2xx: number;
  accepted: number;
  warmup: { load: LoadResult; accepted: number };
}

interface BatchTally {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedSamples: string[];
  otherAnswers: Map<number, string>;
}

const jsonHeaders = (key: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${key}`,
});

async function startApi(ctx: BenchContext, name: string) {
  const service = await ctx.startService({ role: 'api', name, env: { LOG_LEVEL: 'warn' } });
  const key = await createApiKey(service.baseUrl, ctx.adminApiKey, `bench ${name}`, 'ingest');
  return { service, key };
}

// 1. Data the events refer to, and the traffic itself, before any clock starts.

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

async function prepare(ctx: BenchContext): Promise<Traffic> {
  const { batch } = SETTINGS;
  let started = performance.now();
  const customerIds = await seed(ctx);
  ctx.log(
    `seeded ${formatNumber(customerIds.size)} customers and ${SETTINGS.products} products ` +
      `in ${formatNumber(performance.now() - started)} ms`,
  );

  started = performance.now();
  const runTag = `bench${Date.now().toString(36)}`;
  const total = batch.warmup + batch.count;
  const generated = generateBatches({
    runTag,
    batches: total,
    batchSize: batch.size,
    customers: SETTINGS.customers,
    products: benchProducts(SETTINGS.products),
    deliveryLag: batch.connections + 2,
    // All in the past: the API refuses events more than a day ahead.
    startAt: new Date(Date.now() - (total * batch.size + 60) * STEP_MS),
    stepMs: STEP_MS,
  });
  const bodies = generated.map((events) => Buffer.from(JSON.stringify({ events })));
  const traffic: Traffic = {
    runTag,
    warmupBodies: bodies.slice(0, batch.warmup),
    bodies: bodies.slice(batch.warmup),
    batches: generated.slice(batch.warmup),
    events: batch.count * batch.size,
    bodyBytes: bodies.slice(batch.warmup).reduce((sum, body) => sum + body.length, 0),
    customerIds,
  };
  const mix = Object.entries(countTypes(traffic.batches))
    .map(([type, n]) => `${type} ${formatNumber((100 * n) / traffic.events, 1)} %`)
    .join(', ');
  ctx.log(
    `generated ${formatNumber(total * batch.size)} events in ${formatNumber(performance.now() - started)} ms ` +
      `(${batch.warmup} warm-up + ${batch.count} timed batches of ${batch.size}, ` +
      `${formatNumber(traffic.bodyBytes / traffic.bodies.length / 1024)} KiB per body); mix: ${mix}`,
  );
  return traffic;
}

// 2. Batch throughput.

function tallyBatchAnswers() {
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

function tallyProblems(what: string, tally: BatchTally): string[] {
  const problems: string[] = [];
  for (const [status, body] of tally.otherAnswers) {
    problems.push(`${what}: a ${status} answer: ${body}`);
  }
  if (tally.rejected > 0) {
    problems.push(
      `${what}: ${tally.rejected} event(s) REJECTED, e.g. ${tally.rejectedSamples.join(' | ')}`,
    );
  }
  if (tally.duplicates > 0) {
    problems.push(
      `${what}: ${tally.duplicates} event(s) answered as duplicates, but every id was new`,
    );
  }
  return problems;
}

/** POST /v1/events/batch with pre-serialized bodies, each sent once. */
async function sendBatches(url: string, key: string, bodies: Buffer[], connections: number) {
  let cursor = 0;
  const { tally, onAnswer } = tallyBatchAnswers();
  const load = await runLoad({
    url,
    method: 'POST',
    path: '/v1/events/batch',
    headers: jsonHeaders(key),
    nextBody: () => {
      if (cursor >= bodies.length) throw new Error('out of batch bodies: one would be sent twice');
      return bodies[cursor++];
    },
    onAnswer,
    connections,
    amount: bodies.length,
    timeoutSec: SETTINGS.batch.timeoutSec,
    maxFailures: 10,
    deadlineSec: SETTINGS.batch.deadlineSec,
  });
  return { load, tally };
}

async function batchPhase(ctx: BenchContext, traffic: Traffic, problems: string[]) {
  const { batch } = SETTINGS;
  const before = await transactionStats(ctx.databaseUrl);
  const { service, key } = await startApi(ctx, 'api-batch');
  const warmup = await sendBatches(service.baseUrl, key, traffic.warmupBodies, 2);
  ctx.log(
    `batch: ${batch.count} × ${batch.size} events, ${batch.connections} connections ` +
      `(after ${batch.warmup} warm-up batches)…`,
  );
  let tally: BatchTally | undefined;
  const phase = await observed(ctx, service.pid, async () => {
    const sent = await sendBatches(service.baseUrl, key, traffic.bodies, batch.connections);
    tally = sent.tally;
    return sent.load;
  });
  await service.stop(); // its sessions flush their statistics as they close
  const after = await transactionStats(ctx.databaseUrl);
  const result: BatchPhase = {
    ...phase,
    tally: tally!,
    warmup,
    eventsPerSec: perSecond(tally!.accepted, phase.load.wallMs),
    deadlocks: after.deadlocks - before.deadlocks,
    rollbacks: after.rollbacks - before.rollbacks,
  };

  problems.push(
    ...loadProblems('batch warm-up', warmup.load),
    ...tallyProblems('batch warm-up', warmup.tally),
    ...loadProblems('batch', result.load),
    ...tallyProblems('batch', result.tally),
  );
  if (result.tally.accepted !== traffic.events) {
    problems.push(
      `batch: ${formatNumber(result.tally.accepted)} of ${formatNumber(traffic.events)} events accepted`,
    );
  }
  ctx.log(
    `batch: ${formatNumber(result.tally.accepted)} accepted, ${result.tally.duplicates} duplicates, ` +
      `${result.tally.rejected} rejected in ${formatNumber(result.load.wallMs / 1000, 2)} s → ` +
      `${formatNumber(result.eventsPerSec)} events/s; request latency ${describeLatency(result.latency)}`,
  );
  ctx.log(`batch CPU: ${describeCpu(result.cpu)}`);
  ctx.log(
    `batch Postgres sessions (average count): ${describeActivity(result.activity)}; ` +
      `${result.deadlocks} deadlock(s), ${result.rollbacks} rollback(s)`,
  );
  return result;
}

// 3. Single events at a fixed rate, on a fresh process so the batch test's heap does not weigh on it.

/**
 * Writes the batch phase's dirty pages out before the latency phase starts. Without it the
 * checkpoint that 200,000 events of WAL set off lands in the single-event phase: its fsyncs
 * stall commits (seen as `LWLock:WALWrite` / `IO:WALSync` waits), and the p99 measured the
 * previous phase's write-back instead of the latency of single events at 500/s.
 */
async function settle(ctx: BenchContext) {
  const started = Date.now();
  await withDatabase(ctx.databaseUrl, (client) => client.query('CHECKPOINT'));
  ctx.log(`checkpoint after the batch phase: ${Date.now() - started} ms`);
}

async function singlePhase(ctx: BenchContext, runTag: string, problems: string[]) {
  const { single } = SETTINGS;
  const { service, key } = await startApi(ctx, 'api-single');
  let sequence = 0;
  const occurredAt = new Date(Date.now() - 3600_000).toISOString();
  const nextBody = () => {
    const n = sequence++;
    const customerId = benchCustomerId(1 + (n % SETTINGS.customers));
    return (
      `{"id":"${runTag}-s${n}","type":"page.viewed","customerId":"${customerId}",` +
      `"occurredAt":"${occurredAt}","properties":{"path":"/p/${n % 97}","source":"web"}}`
    );
  };
  const answers = { accepted: 0, duplicate: 0, other: new Map<number, string>() };
  // A fixed number of requests rather than a duration: the load then ends with every request
  // answered, so what the API stored can be checked against what it answered.
  // Evenly spaced requests at the rate (open loop), timed from when each was due.
  const load = (durationSec: number) =>
    runPacedLoad({
      url: service.baseUrl,
      method: 'POST',
      path: '/v1/events',
      headers: jsonHeaders(key),
      nextBody,
      onAnswer: (status, body) => {
        if (status !== 202) {
          if (!answers.other.has(status)) answers.other.set(status, body.slice(0, 400));
        } else if (body.includes('"status":"accepted"')) answers.accepted++;
        else answers.duplicate++;
      },
      rate: single.rate,
      amount: single.rate * durationSec,
      maxSockets: single.connections,
      maxFailures: 50,
    });

  const warmupLoad = await load(single.warmupSec);
  const warmup = { load: warmupLoad, accepted: answers.accepted };
  ctx.log(
    `single: POST /v1/events at ${single.rate} evenly spaced requests/s for ${single.durationSec} s, ` +
      `up to ${single.connections} connections (after ${single.warmupSec} s of warm-up)…`,
  );
  const phase = await observed(ctx, service.pid, () => load(single.durationSec));
  await service.stop();
  const result: SinglePhase = {
    ...phase,
    warmup,
    accepted: answers.accepted - warmup.accepted,
    rate: perSecond(phase.load.answers, phase.load.wallMs),
    non2xx: Object.entries(phase.load.statusCounts)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, n]) => sum + n, 0),
  };

  problems.push(
    ...loadProblems('single warm-up', warmup.load),
    ...loadProblems('single', phase.load),
  );
  for (const [status, body] of answers.other) problems.push(`single: a ${status} answer: ${body}`);
  if (answers.duplicate > 0) {
    problems.push(
      `single: ${answers.duplicate} event(s) answered as duplicates, but every id was new`,
    );
  }
  ctx.log(
    `single: ${formatNumber(phase.load.answers)} answers (${formatNumber(result.accepted)} accepted) ` +
      `at ${formatNumber(result.rate, 1)} requests/s, ${result.non2xx} non-2xx; ` +
      `latency ${describeLatency(result.latency)}`,
  );
  ctx.log(`single CPU: ${describeCpu(result.cpu)}`);
  ctx.log(`single Postgres sessions (average count): ${describeActivity(result.activity)}`);
  return result;
}

// 4. What the API stored and queued, seen from Postgres.

async function checkStored(
  ctx: BenchContext,
  batch: BatchPhase,
  single: SinglePhase,
  problems: string[],
) {
  const stored = await withDatabase(ctx.databaseUrl, async (client) => {
    const { rows } = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM events) AS events,
              (SELECT count(*) FROM events WHERE enqueued_at IS NULL) AS unqueued,
              (SELECT count(*) FROM orders) AS orders,
              (SELECT count(*) FROM orders WHERE status = 'delivered') AS delivered`,
    );
    const [row] = rows;
    return {
      events: Number(row.events),
      unqueued: Number(row.unqueued),
      orders: Number(row.orders),
      delivered: Number(row.delivered),
    };
  });
  const accepted =
    batch.warmup.tally.accepted + batch.tally.accepted + single.warmup.accepted + single.accepted;
  // Requests cut off by an early stop may have been stored without an answer.
  const unanswered =
    (batch.warmup.load.sent - batch.warmup.load.answers + batch.load.sent - batch.load.answers) *
      SETTINGS.batch.size +
    (single.warmup.load.sent - single.warmup.load.answers + single.load.sent - single.load.answers);
  if (stored.events < accepted || stored.events > accepted + unanswered) {
    problems.push(
      `the events table holds ${stored.events} rows but the API accepted ${accepted} events` +
        (unanswered ? ` (and ${unanswered} were sent without an answer)` : ''),
    );
  }
  ctx.log(
    `stored: ${formatNumber(stored.events)} events, ${formatNumber(stored.orders)} orders ` +
      `(${formatNumber(stored.delivered)} delivered); ${formatNumber(stored.unqueued)} event(s) not queued`,
  );
  if (stored.unqueued > 0) {
    ctx.log(
      `WARNING: ${stored.unqueued} accepted event(s) never reached Redis (the add timed out); ` +
        'with a worker running, the relay would queue them later',
    );
  }
  return stored;
}

// 5. Ceilings: the same rows straight into Postgres, the same jobs straight into Redis.

async function ceilingPhase(ctx: BenchContext, traffic: Traffic, problems: string[]) {
  const { connections } = SETTINGS.ceiling;
  const chunks: EventColumns[] = traffic.batches.map((events) => ({
    ids: events.map((e) => `raw.${e.id}`),
    types: events.map((e) => e.type),
    customerIds: events.map((e) => traffic.customerIds.get(e.customerId)!),
    occurredAt: events.map((e) => e.occurredAt),
    properties: events.map((e) => JSON.stringify(e.properties)),
  }));
  const ids = chunks.map((chunk) => chunk.ids);
  ctx.log(
    `ceilings: ${formatNumber(traffic.events)} rows, ${connections} statements or addBulk calls ` +
      `at a time, ${SETTINGS.batch.size} rows each…`,
  );
  const timed = stepTimer(ctx.log, problems, traffic.events);
  const insert = await timed('raw Postgres insert', 'rows', () =>
    rawInsertEvents(ctx.databaseUrl, chunks, connections),
  );
  const flag = await timed('raw enqueued_at update', 'rows', () =>
    rawMarkEnqueued(ctx.databaseUrl, ids, connections),
  );
  const redis = await timed('raw BullMQ addBulk', 'jobs', () =>
    rawAddJobs(ctx.redisUrl, ctx.queuePrefix, ids, connections),
  );
  // What the API does to store one batch, minus everything else, one step after the other.
  const storagePerSec = 1 / (1 / insert.perSec + 1 / flag.perSec + 1 / redis.perSec);
  ctx.log(
    `insert + addBulk + enqueued_at update, one after the other: ${formatNumber(storagePerSec)} events/s`,
  );
  return { insert, flag, redis, storagePerSec };
}

/** CPU time of one party per accepted event or answered request, in ms (× `scale`). */
function cpuPer(phase: BatchPhase | SinglePhase, who: 'service' | 'postgres', scale = 1) {
  const percent = who === 'service' ? phase.cpu.servicePercent : phase.cpu.postgresPercent;
  const count = 'tally' in phase ? phase.tally.accepted : phase.load.answers;
  if (percent === null || count === 0) return null;
  return ((percent / 100) * phase.cpu.seconds * 1000 * scale) / count;
}

function figuresOf(
  batch: BatchPhase,
  single: SinglePhase,
  ceilings: Awaited<ReturnType<typeof ceilingPhase>>,
): Figure[] {
  const singleLabel = `single @ ${SETTINGS.single.rate}/s`;
  const f = (
    key: string,
    label: string,
    value: number | null,
    unit: string,
    more?: Partial<Figure>,
  ) => ({
    key,
    label,
    value,
    unit,
    ...more,
  });
  const ms1 = { digits: 1 };
  const ratio = { digits: 2 };
  return [
    f('batchEventsPerSec', 'batch: accepted events/s', batch.eventsPerSec, 'events/s', {
      target: TARGETS.batchEventsPerSec,
    }),
    f('batchP50Ms', 'batch: request p50', batch.latency.p50, 'ms'),
    f('batchP99Ms', 'batch: request p99', batch.latency.p99, 'ms'),
    f('batchDeadlocks', 'batch: deadlocks (retried)', batch.deadlocks, ''),
    // CPU per unit of work: steadier than throughput when the machine is shared.
    f('batchServiceCpuUs', 'batch: service CPU per event', cpuPer(batch, 'service', 1e3), 'µs'),
    f('batchPostgresCpuUs', 'batch: Postgres CPU per event', cpuPer(batch, 'postgres', 1e3), 'µs'),
    f('singleP50Ms', `${singleLabel}: p50`, single.latency.p50, 'ms', ms1),
    f('singleP90Ms', `${singleLabel}: p90`, single.latency.p90, 'ms', ms1),
    f('singleP99Ms', `${singleLabel}: p99`, single.latency.p99, 'ms', {
      ...ms1,
      target: TARGETS.singleP99Ms,
    }),
    f('singleRate', `${singleLabel}: achieved rate`, single.rate, 'req/s', ms1),
    f('singleNon2xx', `${singleLabel}: non-2xx answers`, single.non2xx, ''),
    f('singleServiceCpuMs', 'single: service CPU per request', cpuPer(single, 'service'), 'ms', {
      digits: 2,
    }),
    f('singlePostgresCpuMs', 'single: Postgres CPU per request', cpuPer(single, 'postgres'), 'ms', {
      digits: 2,
    }),
    f('rawInsertRowsPerSec', 'raw Postgres insert', ceilings.insert.perSec, 'rows/s'),
    f('rawFlagRowsPerSec', 'raw enqueued_at update', ceilings.flag.perSec, 'rows/s'),
    f('rawAddBulkJobsPerSec', 'raw BullMQ addBulk', ceilings.redis.perSec, 'jobs/s'),
    f(
      'rawStorageEventsPerSec',
      'raw insert + addBulk + update',
      ceilings.storagePerSec,
      'events/s',
    ),
    f(
      'ratioBatchToInsert',
      'ratio batch API ÷ raw insert',
      batch.eventsPerSec / ceilings.insert.perSec,
      '×',
      ratio,
    ),
    f(
      'ratioBatchToAddBulk',
      'ratio batch API ÷ raw addBulk',
      batch.eventsPerSec / ceilings.redis.perSec,
      '×',
      ratio,
    ),
    f(
      'ratioBatchToStorage',
      'ratio batch API ÷ raw storage steps',
      batch.eventsPerSec / ceilings.storagePerSec,
      '×',
      ratio,
    ),
  ];
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const problems: string[] = [];
  const traffic = await prepare(ctx);
  ctx.log(
    'service: APP_ROLE=api, i.e. ingestion only; no worker runs, so `evaluate` jobs pile up ' +
      `in Redis under the prefix ${ctx.queuePrefix} (deleted at the end)`,
  );
  const batch = await batchPhase(ctx, traffic, problems);
  await settle(ctx);
  const single = await singlePhase(ctx, traffic.runTag, problems);
  const stored = await checkStored(ctx, batch, single, problems);
  const ceilings = await ceilingPhase(ctx, traffic, problems);

  const loadDetails = (phase: PhaseLoad) => ({
    wallMs: phase.load.wallMs,
    answers: phase.load.answers,
    sent: phase.load.sent,
    statusCounts: phase.load.statusCounts,
    latencyMs: phase.latency,
    cpu: phase.cpu,
    postgresSessions: phase.activity,
  });
  return {
    figures: figuresOf(batch, single, ceilings),
    problems,
    details: {
      settings: SETTINGS,
      runTag: traffic.runTag,
      batch: {
        ...loadDetails(batch),
        events: traffic.events,
        bodyBytes: traffic.bodyBytes,
        accepted: batch.tally.accepted,
        duplicates: batch.tally.duplicates,
        rejected: batch.tally.rejected,
        deadlocks: batch.deadlocks,
        rollbacks: batch.rollbacks,
      },
      single: { ...loadDetails(single), accepted: single.accepted },
      stored,
      ceilings,
    },
  };
}

export const ingestionBench: BenchSection = {
  name: 'ingestion',
  title: 'Ingestion: batch throughput, single-event latency, raw ceilings',
  run,
};
