import { Queue, Worker } from 'bullmq';
import { Pool } from 'pg';
import { evaluateJobId, QUEUES } from '../../../src/common/queue/queues';
import { redisOptions } from '../../../src/common/redis/redis-options';
import { CpuFilter, CpuUsage, measureCpu } from './cpu-usage';
import { POSTGRES_PIDS_SQL } from './pg-activity';
import { perSecond } from './stats';
import { formatNumber } from './table';

/**
 * What Postgres and Redis manage on their own, without the service: the statements and job
 * shapes of the ingestion path (EventIngestionService, EvaluateQueue), run straight from
 * here, so the API's figures can be read as a share of the ceiling. Keep them in step with
 * the service when it changes how it writes.
 */

export interface EventColumns {
  ids: string[];
  types: string[];
  /** Internal customer ids (bigint as text). */
  customerIds: string[];
  occurredAt: string[];
  /** JSON text. */
  properties: string[];
}

export interface Timed {
  count: number;
  wallMs: number;
  /** Measured while the connections were open (a Postgres backend's time is lost once it exits). */
  cpu: CpuUsage;
}

export interface TimedStep extends Timed {
  perSec: number;
}

/**
 * What runs each raw step of a ceiling: it logs the step's rate and the CPU of Postgres,
 * Redis and the bench process, and records a problem when the step wrote fewer than
 * `expected` rows or jobs.
 */
export function stepTimer(log: (line: string) => void, problems: string[], expected: number) {
  return async (what: string, unit: string, work: () => Promise<Timed>): Promise<TimedStep> => {
    const result = await work();
    const perSec = perSecond(result.count, result.wallMs);
    if (result.count !== expected)
      problems.push(`${what}: ${result.count} of ${expected} ${unit} written`);
    const usage = result.cpu;
    log(
      `${what}: ${formatNumber(result.count)} ${unit} in ${formatNumber(result.wallMs / 1000, 2)} s → ` +
        `${formatNumber(perSec)} ${unit}/s (postgres ${formatNumber(usage.postgresPercent)} %, ` +
        `redis ${formatNumber(usage.redisPercent)} %, bench process ${formatNumber(usage.generatorPercent)} % of one core)`,
    );
    return { ...result, perSec };
  };
}

/** Runs `work` on chunk after chunk with `concurrency` in flight; returns wall time and CPU. */
export async function timedChunks<T>(
  chunks: T[],
  concurrency: number,
  work: (chunk: T) => Promise<void>,
  filter: () => Promise<CpuFilter> = () => Promise.resolve({}),
): Promise<{ wallMs: number; cpu: CpuUsage }> {
  let next = 0;
  const cpu = measureCpu();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < chunks.length) await work(chunks[next++]);
    }),
  );
  const wallMs = performance.now() - started;
  return { wallMs, cpu: cpu(await filter()) };
}

/** Counts only this database's Postgres processes (not other databases' sessions). */
export const ourPostgres = (pool: Pool) => async (): Promise<CpuFilter> => {
  const { rows } = await pool.query<{ pid: number }>(POSTGRES_PIDS_SQL);
  return { postgresPids: new Set(rows.map((row) => row.pid)) };
};

export async function withPool<T>(
  databaseUrl: string,
  size: number,
  work: (pool: Pool) => Promise<T>,
) {
  const pool = new Pool({ connectionString: databaseUrl, max: size });
  try {
    // Connect every client before the clock starts.
    await Promise.all(Array.from({ length: size }, () => pool.query('SELECT 1')));
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** The service's multi-row event insert, one statement per chunk. */
export function rawInsertEvents(
  databaseUrl: string,
  chunks: EventColumns[],
  concurrency: number,
): Promise<Timed> {
  return withPool(databaseUrl, concurrency, async (pool) => {
    let count = 0;
    const timed = await timedChunks(
      chunks,
      concurrency,
      async (c) => {
        const result = await pool.query(
          `INSERT INTO events (id, type, customer_id, occurred_at, properties)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::jsonb[])
         ON CONFLICT (id) DO NOTHING`,
          [c.ids, c.types, c.customerIds, c.occurredAt, c.properties],
        );
        count += result.rowCount ?? 0;
      },
      ourPostgres(pool),
    );
    return { count, ...timed };
  });
}

/** The service's outbox flag, set after the jobs reached Redis: a second write of every row. */
export function rawMarkEnqueued(
  databaseUrl: string,
  idChunks: string[][],
  concurrency: number,
): Promise<Timed> {
  return withPool(databaseUrl, concurrency, async (pool) => {
    let count = 0;
    const timed = await timedChunks(
      idChunks,
      concurrency,
      async (ids) => {
        const result = await pool.query(
          'UPDATE events SET enqueued_at = now() WHERE id = ANY($1) AND enqueued_at IS NULL',
          [ids],
        );
        count += result.rowCount ?? 0;
      },
      ourPostgres(pool),
    );
    return { count, ...timed };
  });
}

/** BullMQ addBulk of `evaluate`-shaped jobs, on a queue of its own that no worker reads. */
export async function rawAddJobs(
  redisUrl: string,
  prefix: string,
  idChunks: string[][],
  concurrency: number,
): Promise<Timed> {
  const queue = new Queue('bench-ceiling', {
    connection: redisOptions(redisUrl, 'producer'),
    prefix,
  });
  let lastError: Error | undefined;
  queue.on('error', (error) => (lastError = error));
  try {
    await queue.waitUntilReady();
    const chunks = idChunks.map((ids) =>
      ids.map((eventId) => ({
        name: QUEUES.evaluate.jobName,
        data: { eventId },
        opts: { ...QUEUES.evaluate.defaults, jobId: evaluateJobId(eventId) },
      })),
    );
    let count = 0;
    const timed = await timedChunks(chunks, concurrency, async (jobs) => {
      const added = await queue.addBulk(jobs);
      count += added.length;
    });
    if (lastError) throw lastError;
    return { count, ...timed };
  } finally {
    await queue.close();
  }
}

/**
 * A BullMQ worker in this process taking the jobs `rawAddJobs` left on its queue and doing
 * nothing with them: what fetching and completing one job costs (two scripts in Redis, the
 * worker's bookkeeping) before any work, at the service's evaluate concurrency.
 */
export async function rawTakeJobs(
  redisUrl: string,
  prefix: string,
  expected: number,
  concurrency: number,
): Promise<Timed> {
  let count = 0;
  let lastError: Error | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const cpu = measureCpu();
  const started = performance.now();
  const worker = new Worker(
    'bench-ceiling',
    // The shape of an evaluation's answer, so Redis stores a like return value.
    () => Promise.resolve({ seen: true, rules: 0, converted: 0, cancelled: 0 }),
    { connection: redisOptions(redisUrl, 'worker'), prefix, concurrency },
  );
  worker.on('completed', () => {
    if (++count === expected) finish();
  });
  worker.on('error', (error) => {
    lastError = error;
    finish();
  });
  try {
    await finished;
    const wallMs = performance.now() - started;
    if (lastError) throw lastError;
    return { count, wallMs, cpu: cpu() };
  } finally {
    await worker.close();
  }
}
