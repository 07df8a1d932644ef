import { randomUUID } from 'node:crypto';
import { manualRule, RuleRunsClient, RunProgress, seedCustomers } from '../support/rule-runs';
import { createTestApp, TestApp } from '../support/test-app';
import { WorkerProcess } from '../support/worker-process';

const CUSTOMERS = 20_000;
const PAGE = 50;
const TEMPLATE = 'test.crash';

/**
 * A manual run whose worker is killed with SIGKILL in the middle of the audience: another
 * worker picks the run up (BullMQ's stalled-job check) and finishes it from the last
 * committed page — every customer gets exactly one entry, and the counters count each once.
 */
describe('rule runs: a worker killed with SIGKILL mid-run', () => {
  let t: TestApp;
  let api: RuleRunsClient;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    api = await RuleRunsClient.for(t);
    await api.template(TEMPLATE);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  const startWorker = () => {
    const worker = WorkerProcess.spawn({
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      // Small pages: hundreds of transactions, so the kill lands between two of them or in one.
      RULE_RUN_PAGE_SIZE: String(PAGE),
      LOG_LEVEL: 'warn',
    });
    workers.push(worker);
    return worker;
  };

  it(`resumes from the last committed page: ${CUSTOMERS} customers, one entry each`, async () => {
    const tag = `crash-${randomUUID().slice(0, 6)}`;
    const customers = await seedCustomers(t.db, CUSTOMERS, tag);
    const ruleId = await api.createRule(
      manualRule(TEMPLATE, {
        holdoutPercent: 10,
        conditions: { field: 'customer.id', op: 'contains', value: `${tag}-` },
      }),
    );
    const started = Date.now();
    const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    try {
      const first = startWorker();
      const runId = await api.start(ruleId);
      const atKill = await t.waitFor(async () => {
        const run = await api.progress(ruleId, runId);
        return run.processed >= 2_000 || run.status !== 'running' || !first.running ? run : null;
      }, 120_000);
      expect(first.running).toBe(true);
      await first.kill();
      const killedAt = since();
      const committed = await api.progress(ruleId, runId);
      expect(atKill.status).toBe('running');
      expect(committed.processed).toBeLessThan(CUSTOMERS);
      expect(committed.processed % PAGE).toBe(0); // whole pages only: the open one rolled back

      const second = startWorker();
      // The dead worker's job stays active until its lock expires (30 s) and the stalled-job
      // check (every 30 s) sees it: up to about a minute before the second worker resumes.
      const done: RunProgress = await t.waitFor(async () => {
        const run = await api.progress(ruleId, runId);
        return run.status !== 'running' || !second.running ? run : null;
      }, 180_000);
      expect(second.running).toBe(true);

      expect(done).toMatchObject({
        status: 'completed',
        audienceSize: CUSTOMERS,
        processed: CUSTOMERS,
        skipped: {},
      });
      expect(done.scheduled + done.heldOut).toBe(CUSTOMERS);

      const [rows] = await t.db.query<{ total: number; customers: number; held: number }[]>(
        `SELECT count(*)::int AS total, count(DISTINCT customer_id)::int AS customers,
                count(*) FILTER (WHERE status = 'held_out')::int AS held
           FROM messages WHERE rule_id = $1`,
        [ruleId],
      );
      expect(rows).toEqual({ total: CUSTOMERS, customers: CUSTOMERS, held: done.heldOut });
      const missing = await t.db.query<{ id: string }[]>(
        `SELECT c.id FROM unnest($1::bigint[]) AS c(id)
          WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.rule_id = $2 AND m.customer_id = c.id)`,
        [customers, ruleId],
      );
      expect(missing).toEqual([]);
      console.log(
        `SIGKILL at ${killedAt} with ${committed.processed} of ${CUSTOMERS} committed; ` +
          `completed by the second worker at ${since()} (${done.scheduled} scheduled, ${done.heldOut} held out)`,
      );
    } catch (error) {
      console.log(workers.map((w, i) => `--- worker ${i + 1} ---\n${w.log}`).join('\n'));
      throw error;
    }
  }, 300_000);
});
