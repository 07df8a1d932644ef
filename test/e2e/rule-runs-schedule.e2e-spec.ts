import type { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { QueueProducer } from '../../src/common/queue/queue-producer';
import { QUEUES, ruleSchedulerId } from '../../src/common/queue/queues';
import { manualRule, RuleRunsClient, seedCustomers } from '../support/rule-runs';
import { createTestApp, TestApp } from '../support/test-app';
import { WorkerProcess } from '../support/worker-process';

const CUSTOMERS = 20;
const TEMPLATE = 'test.schedule';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunRow {
  id: string;
  occurrence: string;
  status: string;
  triggered_at: Date;
  processed: number;
  scheduled: number;
}

/**
 * A schedule rule firing every second, with the API in this process and two worker processes
 * taking its ticks: each tick makes exactly one run and one message per customer, however
 * many workers compete for it; the schedule stops when the rule is paused, and comes back
 * from Postgres when Redis lost it.
 */
describe('schedule rules with two worker processes', () => {
  let t: TestApp;
  let api: RuleRunsClient;
  let tag: string;
  let ruleId: string;
  const workers: WorkerProcess[] = [];

  const startWorker = () => {
    const worker = WorkerProcess.spawn({
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      LOG_LEVEL: 'warn',
    });
    workers.push(worker);
    return worker;
  };

  const runsOf = (id: string) =>
    t.db.query<RunRow[]>(
      `SELECT id, occurrence, status, triggered_at, processed, scheduled FROM rule_runs
        WHERE rule_id = $1 ORDER BY triggered_at`,
      [id],
    );
  const ticks = () => t.app.get(QueueProducer).queue(QUEUES.ruleTicks.name);

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    api = await RuleRunsClient.for(t);
    await api.template(TEMPLATE);
    tag = `sched-${randomUUID().slice(0, 6)}`;
    await seedCustomers(t.db, CUSTOMERS, tag);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  it('fires once per tick with two workers running: one run, one message per customer', async () => {
    try {
      const [a, b] = [startWorker(), startWorker()];
      ruleId = await api.createRule(
        manualRule(TEMPLATE, {
          name: 'Every second',
          // cron-parser takes a seconds field first: six fields.
          trigger: { type: 'schedule', cron: '* * * * * *', timezone: 'UTC' },
          conditions: { field: 'customer.id', op: 'contains', value: `${tag}-` },
        }),
      );
      const scheduler = await ticks().getJobScheduler(ruleSchedulerId(ruleId));
      expect(scheduler).toMatchObject({ pattern: '* * * * * *', tz: 'UTC' });

      // Workers booting under ts-node on a busy machine take a while; then a few ticks.
      await t.waitFor(async () => {
        const done = (await runsOf(ruleId)).filter((r) => r.status === 'completed');
        return done.length >= 5 || !a.running || !b.running;
      }, 120_000);
      expect([a.running, b.running]).toEqual([true, true]);

      await api.patchRule(ruleId, { status: 'paused' }).expect(200);
      expect(await ticks().getJobScheduler(ruleSchedulerId(ruleId))).toBeUndefined();
      await t.waitFor(
        async () => (await runsOf(ruleId)).every((r) => r.status !== 'running'),
        30_000,
      );
      const runs = await runsOf(ruleId);
      await sleep(2_500);
      expect(await runsOf(ruleId)).toHaveLength(runs.length); // paused: no tick any more

      // Each run stands for one tick: a whole second, named by the tick's time.
      for (const run of runs) {
        expect(run.status).toBe('completed');
        expect(run.occurrence).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
        expect(new Date(run.triggered_at).toISOString()).toBe(run.occurrence);
        expect(run).toMatchObject({ processed: CUSTOMERS, scheduled: CUSTOMERS });
      }
      expect(new Set(runs.map((r) => r.occurrence)).size).toBe(runs.length);

      // Each tick job was taken once: none found its run already made by another worker.
      const jobs = (await ticks().getJobs(['completed'], 0, 10_000)) as Job[];
      const ours = jobs.filter((j) => (j.data as { ruleId: string }).ruleId === ruleId);
      // (A tick taken just after the pause makes no run and says so.)
      const made = ours.filter((j) => String(j.returnvalue).startsWith('run '));
      expect(made).toHaveLength(runs.length);
      expect(made.filter((j) => String(j.returnvalue).includes('already'))).toEqual([]);

      // One message per customer per tick.
      const [{ total, pairs }] = await t.db.query<{ total: number; pairs: number }[]>(
        `SELECT count(*)::int AS total,
                count(DISTINCT (customer_id, split_part(dedupe_key, '.', 4)))::int AS pairs
           FROM messages WHERE rule_id = $1`,
        [ruleId],
      );
      expect(total).toBe(CUSTOMERS * runs.length);
      expect(pairs).toBe(CUSTOMERS * runs.length);
      const perRun = await t.db.query<{ run: string; n: number }[]>(
        `SELECT split_part(dedupe_key, '.', 4) AS run, count(*)::int AS n FROM messages
          WHERE rule_id = $1 GROUP BY 1`,
        [ruleId],
      );
      expect(new Set(perRun.map((r) => r.run))).toEqual(new Set(runs.map((r) => r.id)));
      expect(perRun.every((r) => r.n === CUSTOMERS)).toBe(true);
    } catch (error) {
      console.log(workers.map((w, i) => `--- worker ${i + 1} ---\n${w.log}`).join('\n'));
      throw error;
    }
  }, 240_000);

  it('comes back from Postgres when Redis lost the scheduler, once a worker starts', async () => {
    try {
      await Promise.all(workers.map((w) => w.stop()));
      await api.patchRule(ruleId, { status: 'active' }).expect(200);
      // As if Redis had been flushed while no worker ran.
      await ticks().removeJobScheduler(ruleSchedulerId(ruleId));
      const before = (await runsOf(ruleId)).length;
      await sleep(2_000);
      expect(await runsOf(ruleId)).toHaveLength(before);

      const restartedAt = Date.now();
      const worker = startWorker();
      await t.waitFor(async () => {
        const runs = await runsOf(ruleId);
        return (
          runs.some(
            (r) => r.status === 'completed' && new Date(r.triggered_at).getTime() > restartedAt,
          ) || !worker.running
        );
      }, 120_000);
      expect(worker.running).toBe(true);
      expect(await ticks().getJobScheduler(ruleSchedulerId(ruleId))).toMatchObject({
        pattern: '* * * * * *',
      });
      await api.patchRule(ruleId, { status: 'paused' }).expect(200);
    } catch (error) {
      console.log(workers.map((w, i) => `--- worker ${i + 1} ---\n${w.log}`).join('\n'));
      throw error;
    }
  }, 240_000);
});
