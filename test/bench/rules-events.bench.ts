import { createApiKey, requestJson } from './support/api-client';
import { BENCH_RULES, markValuesComputed, NOTE_TEMPLATE } from './support/bench-rules';
import {
  EventColumns,
  rawAddJobs,
  rawInsertEvents,
  rawTakeJobs,
  stepTimer,
  Timed,
} from './support/ceilings';
import {
  benchCustomerId,
  BenchEvent,
  benchProducts,
  countTypes,
  generateBatches,
} from './support/event-mix';
import { LoadResult, loadProblems, runLoad } from './support/load';
import { describeActivity, sampleActivity } from './support/pg-activity';
import {
  cpuMsPerUnit,
  describeParties,
  machineBoundPerSec,
  measureParties,
  PartiesCpu,
} from './support/process-cpu';
import { withDatabase } from './support/scratch-db';
import { BenchContext, BenchSection, Figure, SectionResult } from './support/section';
import type { RunningService } from './support/service';
import { perSecond } from './support/stats';
import { formatNumber } from './support/table';

/**
 * Events through 20 active rules to scheduled messages: the bench traffic (event-mix.ts) sent
 * with POST /v1/events/batch to an API process, evaluated by a worker process against twenty
 * active event rules of all four modules (support/bench-rules.ts). The clock runs from the
 * first batch sent to the last event evaluated — an event's messages, codes, check-ins and
 * tasks are committed in its evaluation, so that is when they are all scheduled. As ceilings,
 * the same number of event rows inserted straight into Postgres and evaluate jobs added
 * straight to Redis.
 */
const SETTINGS = {
  customers: 10_000,
  /** Customers 1..accountCustomers belong to B2B accounts, 20 customers each. */
  accountCustomers: 1_000,
  products: 20,
  batches: Number(process.env.BENCH_RULES_EVENT_BATCHES ?? 60),
  batchSize: 1000,
  warmupBatches: 3,
  connections: 4,
  evaluateTimeoutSec: 600,
  ceilingConnections: 4,
  /**
   * Worker processes evaluating (BENCH_RULES_WORKERS). One: it kept 52–59 % of its core busy
   * (it waits on Postgres between a batch's statements) and the machine 89–92 %, for
   * 1,591–1,882 events/s. Two kept the machine 97–98 % busy for 1,873–2,056 events/s, with
   * more CPU per event (0.91–1.00 ms against 0.85): their batches wait for each other's
   * customers (3 sessions waiting on a lock, against 0.9), and the API's order writes wait
   * for both (it accepted 2,000 events/s against 3,800).
   */
  workers: Number(process.env.BENCH_RULES_WORKERS ?? 1),
  /** The service's EVALUATE_CONCURRENCY default: the raw worker ceiling takes jobs as it does. */
  evaluateConcurrency: 512,
};

const TARGETS = { eventsPerSec: { op: '>=', value: 5_000 } } as const;
/**
 * Events a millisecond apart, the last a minute ago: every rule's delay (an hour at least)
 * then puts its messages in the future, so the worker only schedules them — deliveries
 * competing for the same CPU would measure something else.
 */
const STEP_MS = 1;

async function seed(ctx: BenchContext): Promise<Map<string, string>> {
  return withDatabase(ctx.databaseUrl, async (client) => {
    await client.query(
      `INSERT INTO accounts (external_id, name, owner_email, owner_name)
       SELECT 'ba-' || i, 'Bench account ' || i, 'rep' || (i % 5) || '@bench.invalid', 'Rep ' || (i % 5)
         FROM generate_series(1, $1::int) AS i`,
      [SETTINGS.accountCustomers / 20],
    );
    await client.query(
      `INSERT INTO customers (external_id, email, first_name, timezone, marketing_consent,
                              orders_count, total_spent, value_tier, account_id)
       SELECT 'bc-' || i, 'bc-' || i || '@bench.invalid', 'Ada',
              (ARRAY['Europe/Paris', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'])[1 + i % 4],
              i % 5 <> 0, i % 4, (i % 4) * 35,
              (ARRAY['gold', 'silver', 'bronze', 'unprofitable'])[1 + i % 4],
              CASE WHEN i <= $2 THEN (SELECT id FROM accounts WHERE external_id = 'ba-' || (1 + i % ($2 / 20))) END
         FROM generate_series(1, $1::int) AS i`,
      [SETTINGS.customers, SETTINGS.accountCustomers],
    );
    const products = benchProducts(SETTINGS.products);
    await client.query(
      `INSERT INTO products (sku, name, price, currency, category, margin)
       SELECT *, 0.3 FROM unnest($1::text[], $2::text[], $3::numeric[], $4::char(3)[], $5::text[])`,
      [
        products.map((p) => p.sku),
        products.map((p) => p.name),
        products.map((p) => p.priceCents / 100),
        products.map(() => 'EUR'),
        products.map((p) => p.category),
      ],
    );
    // Each of the first sixteen products has an accessory and a warranty among the last four.
    await client.query(
      `INSERT INTO product_extras (product_id, extra_sku, kind, position)
       SELECT p.id, e.sku, e.kind, e.position
         FROM products p
         CROSS JOIN LATERAL (VALUES
           ('BSKU-0' || (17 + p.id % 2), 'accessory', 0),
           ('BSKU-0' || (19 + p.id % 2), 'warranty', 1)) AS e(sku, kind, position)
        WHERE p.sku < 'BSKU-017'`,
    );
    await markValuesComputed(client);
    await client.query('ANALYZE customers; ANALYZE products; ANALYZE accounts');
    const rows = await client.query<{ id: string; external_id: string }>(
      'SELECT id, external_id FROM customers',
    );
    return new Map(rows.rows.map((row) => [row.external_id, row.id]));
  });
}

async function createRules(api: RunningService, key: string) {
  const template = await requestJson(
    api.baseUrl,
    'PUT',
    `/v1/templates/${NOTE_TEMPLATE.key}`,
    key,
    NOTE_TEMPLATE.body,
  );
  if (template.status !== 201 && template.status !== 200) {
    throw new Error(`PUT template answered ${template.status}: ${JSON.stringify(template.body)}`);
  }
  for (const rule of BENCH_RULES) {
    const { status, body } = await requestJson(api.baseUrl, 'POST', '/v1/rules', key, rule);
    if (status !== 201) {
      throw new Error(`rule "${String(rule.name)}": ${status} ${JSON.stringify(body)}`);
    }
  }
}

async function sendBatches(
  api: RunningService,
  key: string,
  bodies: Buffer[],
  connections: number,
) {
  let cursor = 0;
  let accepted = 0;
  let rejected = 0;
  const others: string[] = [];
  const load = await runLoad({
    url: api.baseUrl,
    method: 'POST',
    path: '/v1/events/batch',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    nextBody: () => {
      if (cursor >= bodies.length) throw new Error('out of batch bodies: one would be sent twice');
      return bodies[cursor++];
    },
    onAnswer: (status, body) => {
      if (status !== 202) {
        if (others.length < 3) others.push(`${status} ${body.slice(0, 300)}`);
        return;
      }
      const answer = JSON.parse(body) as { accepted: number; rejected: unknown[] };
      accepted += answer.accepted;
      rejected += answer.rejected.length;
    },
    connections,
    amount: bodies.length,
    timeoutSec: 60,
    maxFailures: 10,
    deadlineSec: 300,
  });
  return { load, accepted, rejected, others };
}

/** Waits until every event of the run tag is evaluated; the last one's evaluation time. */
async function waitEvaluated(
  ctx: BenchContext,
  like: string,
  expected: number,
  worker: RunningService,
) {
  const deadline = Date.now() + SETTINGS.evaluateTimeoutSec * 1000;
  let lastLogged = 0;
  // The poll must not compete with the load it waits for: it counts what is still to do
  // through the partial index of unevaluated events (a scan of every event took ~9 ms, ten
  // times a second), and reads the last evaluation time once, at the end.
  return withDatabase(ctx.databaseUrl, async (client) => {
    for (;;) {
      const { rows } = await client.query<{ pending: string }>(
        `SELECT count(*) AS pending FROM events
          WHERE evaluated_at IS NULL AND enqueued_at IS NOT NULL AND id LIKE $1`,
        [like],
      );
      const { rows: unqueued } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM events WHERE enqueued_at IS NULL AND id LIKE $1',
        [like],
      );
      const pending = Number(rows[0].pending) + Number(unqueued[0].n);
      const done = expected - pending;
      if (pending === 0) {
        const { rows: last } = await client.query<{ done: string; last: Date | null }>(
          `SELECT count(*) FILTER (WHERE evaluated_at IS NOT NULL) AS done, max(evaluated_at) AS last
             FROM events WHERE id LIKE $1`,
          [like],
        );
        if (Number(last[0].done) >= expected) return last[0].last!;
      }
      if (worker.exited()) throw new Error(`the worker exited; see ${worker.logFile}`);
      if (Date.now() > deadline) throw new Error(`${done} of ${expected} events evaluated in time`);
      if (Date.now() - lastLogged > 5_000) {
        lastLogged = Date.now();
        ctx.log(`evaluated ${formatNumber(done)} of ${formatNumber(expected)}…`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
}

interface FlowPhase {
  events: number;
  seconds: number;
  eventsPerSec: number;
  acceptedPerSec: number;
  load: LoadResult;
  cpu: PartiesCpu;
  activity: { state: string; sessions: number }[];
  outcome: Record<string, number>;
}

async function flowPhase(
  ctx: BenchContext,
  batches: BenchEvent[][],
  runTag: string,
  problems: string[],
): Promise<FlowPhase> {
  const api = await ctx.startService({ role: 'api', name: 'rules-events-api' });
  const workers: RunningService[] = [];
  for (let i = 1; i <= SETTINGS.workers; i++)
    workers.push(
      await ctx.startService({
        role: 'worker',
        name: i === 1 ? 'rules-events-worker' : `rules-events-worker-${i}`,
      }),
    );
  const worker = workers[0];
  const otherWorkers = Object.fromEntries(
    workers.slice(1).map((w, i) => [`worker ${i + 2}`, w.pid]),
  );
  const admin = ctx.adminApiKey;
  const ingest = await createApiKey(api.baseUrl, admin, 'bench ingest', 'ingest');
  await createRules(api, admin);
  ctx.log(`${BENCH_RULES.length} active event rules created`);

  const bodies = batches.map((events) => Buffer.from(JSON.stringify({ events })));
  const warmup = bodies.slice(0, SETTINGS.warmupBatches);
  const timed = bodies.slice(SETTINGS.warmupBatches);
  const warm = await sendBatches(api, ingest, warmup, 2);
  problems.push(...loadProblems('warm-up', warm.load));
  await waitEvaluated(ctx, `${runTag}-w%`, warm.accepted, worker);
  // The warm-up filled messages, tasks and events seconds ago. A running system has planner
  // statistics for them (autovacuum analyzes a table after 10 % of it changed, within a
  // minute); without any, Postgres read all of a rule's scheduled messages for each goal
  // event (the (rule, status) index instead of (rule, customer)): 54 ms against 7 ms a wave.
  await withDatabase(ctx.databaseUrl, (client) => client.query('ANALYZE'));
  const events = timed.length * SETTINGS.batchSize;
  ctx.log(
    `warm-up evaluated; now ${formatNumber(events)} events in ${timed.length} batches, ` +
      `${SETTINGS.connections} connections, API and worker apart…`,
  );

  const sampler = await sampleActivity(ctx.databaseUrl, 100);
  const measure = measureParties(worker.pid, { api: api.pid, ...otherWorkers });
  const started = Date.now();
  let sent: Awaited<ReturnType<typeof sendBatches>>;
  let last: Date;
  try {
    sent = await sendBatches(api, ingest, timed, SETTINGS.connections);
    last = await waitEvaluated(ctx, `${runTag}-t%`, events, worker);
  } catch (error) {
    await sampler.stop().catch(() => undefined);
    throw error;
  }
  const cpu = measure({ postgresPids: await sampler.pids() });
  const activity = (await sampler.stop()).shares;
  const seconds = (last.getTime() - started) / 1000;
  problems.push(...loadProblems('events', sent.load));
  for (const other of sent.others) problems.push(`events: an answer ${other}`);
  if (sent.accepted !== events || sent.rejected > 0) {
    problems.push(`events: ${sent.accepted} of ${events} accepted, ${sent.rejected} rejected`);
  }
  const outcome = await withDatabase(ctx.databaseUrl, async (client) => {
    const { rows } = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM messages WHERE status = 'scheduled') AS scheduled,
              (SELECT count(*) FROM messages WHERE status = 'held_out') AS "heldOut",
              (SELECT count(*) FROM promotions) AS promotions,
              (SELECT count(*) FROM check_ins) AS "checkIns",
              (SELECT count(*) FROM tasks) AS tasks,
              (SELECT count(DISTINCT rule_id) FROM messages) AS "rulesWithMessages"`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  });
  const result: FlowPhase = {
    events,
    seconds,
    eventsPerSec: events / seconds,
    acceptedPerSec: perSecond(sent.accepted, sent.load.wallMs),
    load: sent.load,
    cpu,
    activity,
    outcome,
  };
  ctx.log(
    `events: ${formatNumber(events)} accepted in ${formatNumber(sent.load.wallMs / 1000, 1)} s ` +
      `(${formatNumber(result.acceptedPerSec)}/s), all evaluated ${formatNumber(seconds, 1)} s after the ` +
      `first batch → ${formatNumber(result.eventsPerSec)} events/s through the rules`,
  );
  ctx.log(
    `made (warm-up included): ${Object.entries(outcome)
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join(', ')}`,
  );
  ctx.log(
    `CPU: ${describeParties(cpu, { service: SETTINGS.workers > 1 ? 'worker 1' : 'worker' })}`,
  );
  ctx.log(`Postgres sessions (average count): ${describeActivity(activity)}`);
  for (const w of workers) await w.stop();
  await api.stop();
  return result;
}

async function ceilingPhase(
  ctx: BenchContext,
  batches: BenchEvent[][],
  customerIds: Map<string, string>,
  problems: string[],
) {
  const connections = SETTINGS.ceilingConnections;
  const chunks: EventColumns[] = batches.map((events) => ({
    ids: events.map((e) => `raw.${e.id}`),
    types: events.map((e) => e.type),
    customerIds: events.map((e) => customerIds.get(e.customerId)!),
    occurredAt: events.map((e) => e.occurredAt),
    properties: events.map((e) => JSON.stringify(e.properties)),
  }));
  const total = chunks.reduce((sum, chunk) => sum + chunk.ids.length, 0);
  ctx.log(`ceilings: ${formatNumber(total)} event rows and jobs, ${connections} at a time…`);
  const timed = stepTimer(ctx.log, problems, total);
  const insert = await timed('raw Postgres insert of events', 'rows', () =>
    rawInsertEvents(ctx.databaseUrl, chunks, connections),
  );
  const redis = await timed('raw BullMQ addBulk of evaluate jobs', 'jobs', () =>
    rawAddJobs(
      ctx.redisUrl,
      ctx.queuePrefix,
      chunks.map((chunk) => chunk.ids),
      connections,
    ),
  );
  const take = await timed('raw BullMQ worker taking them, doing nothing', 'jobs', () =>
    rawTakeJobs(ctx.redisUrl, ctx.queuePrefix, total, SETTINGS.evaluateConcurrency),
  );
  // What every event costs before any rule looks at it: its row, its job added and taken.
  const floorMs = [insert, redis, take].reduce((sum, t) => sum + cpuMsPerTimed(t), 0);
  ctx.log(
    `CPU per event of those three alone (Postgres, Redis, this process, interrupts): ` +
      `${formatNumber(floorMs, 3)} ms; ${formatNumber(machineBound(floorMs, insert.cpu.cores))} events/s ` +
      `would keep every core busy with them`,
  );
  return { insert, redis, take, floorMs };
}

/** CPU ms per unit of a ceiling: every party it used (the bench process plays the service). */
function cpuMsPerTimed(t: Timed): number {
  const { seconds, postgresPercent, redisPercent, generatorPercent, irqPercent } = t.cpu;
  const percent =
    (postgresPercent ?? 0) + (redisPercent ?? 0) + generatorPercent + (irqPercent ?? 0);
  return ((percent / 100) * seconds * 1000) / t.count;
}

const machineBound = (msPerUnit: number, cores: number | null) =>
  cores && msPerUnit > 0 ? (cores * 1000) / msPerUnit : null;

function figuresOf(flow: FlowPhase, ceilings: Awaited<ReturnType<typeof ceilingPhase>>): Figure[] {
  const { usage, helpers } = flow.cpu;
  const cpuMs = cpuMsPerUnit(flow.cpu, flow.events, [
    usage.servicePercent,
    ...Object.entries(helpers)
      .filter(([name]) => name.startsWith('worker '))
      .map(([, percent]) => percent),
    helpers.api,
    usage.postgresPercent,
    usage.redisPercent,
    usage.irqPercent,
  ]);
  return [
    {
      key: 'eventsPerSec',
      label: `events through ${BENCH_RULES.length} active rules to scheduled messages`,
      value: flow.eventsPerSec,
      unit: 'events/s',
      target: TARGETS.eventsPerSec,
    },
    {
      key: 'acceptedPerSec',
      label: 'of which accepted by the API',
      value: flow.acceptedPerSec,
      unit: 'events/s',
    },
    {
      key: 'cpuPerEventMs',
      label: 'CPU per event: worker, API, Postgres, Redis, interrupts',
      value: cpuMs,
      unit: 'ms',
      digits: 2,
    },
    {
      key: 'machineBoundEventsPerSec',
      label: `the most ${usage.cores ?? '?'} cores allow at that CPU per event`,
      value: machineBoundPerSec(flow.cpu, cpuMs),
      unit: 'events/s',
    },
    {
      key: 'rawInsertRowsPerSec',
      label: 'raw Postgres insert of events',
      value: ceilings.insert.perSec,
      unit: 'rows/s',
    },
    {
      key: 'rawAddBulkJobsPerSec',
      label: 'raw BullMQ addBulk of evaluate jobs',
      value: ceilings.redis.perSec,
      unit: 'jobs/s',
    },
    {
      key: 'rawTakeJobsPerSec',
      label: 'raw BullMQ worker taking them, doing nothing',
      value: ceilings.take.perSec,
      unit: 'jobs/s',
    },
    {
      key: 'rawFloorCpuPerEventMs',
      label: 'CPU per event of the three raw steps alone',
      value: ceilings.floorMs,
      unit: 'ms',
      digits: 3,
    },
    {
      key: 'rawFloorMachineBoundPerSec',
      label: `the most ${usage.cores ?? '?'} cores allow for those alone`,
      value: machineBound(ceilings.floorMs, usage.cores),
      unit: 'events/s',
    },
    {
      key: 'ratioToInsert',
      label: 'ratio events through rules ÷ raw insert',
      value: flow.eventsPerSec / ceilings.insert.perSec,
      unit: '×',
      digits: 2,
    },
    {
      key: 'ratioToAddBulk',
      label: 'ratio events through rules ÷ raw addBulk',
      value: flow.eventsPerSec / ceilings.redis.perSec,
      unit: '×',
      digits: 2,
    },
  ];
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const problems: string[] = [];
  let started = performance.now();
  const customerIds = await seed(ctx);
  ctx.log(
    `seeded ${formatNumber(customerIds.size)} customers in ${formatNumber(performance.now() - started)} ms`,
  );
  started = performance.now();
  const runTag = `rb${Date.now().toString(36)}`;
  const total = SETTINGS.warmupBatches + SETTINGS.batches;
  const generated = generateBatches({
    runTag,
    batches: total,
    batchSize: SETTINGS.batchSize,
    customers: SETTINGS.customers,
    products: benchProducts(SETTINGS.products),
    deliveryLag: SETTINGS.connections + 2,
    startAt: new Date(Date.now() - 60_000 - total * SETTINGS.batchSize * STEP_MS),
    stepMs: STEP_MS,
  });
  // Warm-up and timed events told apart by their id (`<tag>-w…` / `<tag>-t…`).
  const batches = generated.map((events, b) =>
    events.map((e) => ({
      ...e,
      id: e.id.replace(runTag, `${runTag}-${b < SETTINGS.warmupBatches ? 'w' : 't'}`),
    })),
  );
  const mix = Object.entries(countTypes(batches))
    .map(([type, n]) => `${type} ${formatNumber((100 * n) / (total * SETTINGS.batchSize), 1)} %`)
    .join(', ');
  ctx.log(
    `generated ${formatNumber(total * SETTINGS.batchSize)} events in ${formatNumber(performance.now() - started)} ms; mix: ${mix}`,
  );
  if (!customerIds.has(benchCustomerId(1)))
    throw new Error('the seed did not make bench customers');

  const flow = await flowPhase(ctx, batches, runTag, problems);
  const ceilings = await ceilingPhase(
    ctx,
    batches.slice(SETTINGS.warmupBatches),
    customerIds,
    problems,
  );
  ctx.log(
    `events through rules ÷ raw insert ${formatNumber(flow.eventsPerSec / ceilings.insert.perSec, 2)}, ` +
      `÷ raw addBulk ${formatNumber(flow.eventsPerSec / ceilings.redis.perSec, 2)}`,
  );
  return {
    figures: figuresOf(flow, ceilings),
    problems,
    details: { settings: SETTINGS, rules: BENCH_RULES.length, flow, ceilings },
  };
}

export const rulesEventsBench: BenchSection = {
  name: 'rules-events',
  title: 'Rules: events through 20 active rules to scheduled messages vs raw ceilings',
  run,
};
