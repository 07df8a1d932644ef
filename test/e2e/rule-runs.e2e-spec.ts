import { randomUUID } from 'node:crypto';
import { RunExecutor } from '../../src/rules/runs/run-executor';
import { manualRule, RuleRunsClient, seedCustomers } from '../support/rule-runs';
import { createTestApp, TestApp } from '../support/test-app';

const TEMPLATE = 'test.runs';

/**
 * Manual runs through HTTP: the holdout over a real audience, the audience itself (conditions,
 * erased customers), the gates' skip reasons in the progress, and what may not be run.
 */
describe('rule runs', () => {
  let t: TestApp;
  let api: RuleRunsClient;

  beforeAll(async () => {
    // Pages of 100: the thousand customers take ten transactions, as a real run would.
    t = await createTestApp({
      RULE_RUN_PAGE_SIZE: '100',
      QUIET_HOURS: 'off',
      FREQUENCY_CAP: 'off',
    });
    api = await RuleRunsClient.for(t);
    await api.template(TEMPLATE);
  });
  afterAll(() => t.close());

  const messagesOf = (ruleId: string) =>
    t.db.query<{ customer_id: string; status: string; dedupe_key: string }[]>(
      'SELECT customer_id::text, status, dedupe_key FROM messages WHERE rule_id = $1',
      [ruleId],
    );

  it('holds out 50 % of 1,000 customers, within ±5 %, and schedules the others', async () => {
    const tag = `hold-${randomUUID().slice(0, 6)}`;
    const customers = await seedCustomers(t.db, 1000, tag);
    const ruleId = await api.createRule(
      manualRule(TEMPLATE, {
        holdoutPercent: 50,
        conditions: { field: 'customer.email', op: 'contains', value: `${tag}-` },
      }),
    );
    const runId = await api.start(ruleId);
    const run = await api.finished(ruleId, runId);

    expect(run).toMatchObject({
      id: runId,
      ruleId,
      status: 'completed',
      trigger: 'manual',
      audienceSize: 1000,
      processed: 1000,
      skipped: {},
    });
    expect(run.scheduled + run.heldOut).toBe(1000);
    expect(run.heldOut).toBeGreaterThanOrEqual(450);
    expect(run.heldOut).toBeLessThanOrEqual(550);
    expect(run.finishedAt).not.toBeNull();

    const messages = await messagesOf(ruleId);
    expect(messages).toHaveLength(1000);
    expect(new Set(messages.map((m) => m.customer_id))).toEqual(new Set(customers));
    expect(messages.filter((m) => m.status === 'held_out')).toHaveLength(run.heldOut);
    expect(messages.filter((m) => m.status === 'scheduled')).toHaveLength(run.scheduled);
    // One entry per customer for this run: the run id is the trigger occurrence.
    expect(messages.every((m) => m.dedupe_key.endsWith(`.${runId}`))).toBe(true);

    // The same customers fall in the same groups when the rule runs again.
    const second = await api.finished(ruleId, await api.start(ruleId));
    expect(second.heldOut).toBe(run.heldOut);
  });

  it('reaches only the customers the conditions select, never an erased one', async () => {
    const tag = `cond-${randomUUID().slice(0, 6)}`;
    const customers = await seedCustomers(t.db, 60, tag, { ordersCount: (i) => i % 3 });
    await t.db.query('UPDATE customers SET erased_at = now(), email = NULL WHERE id = $1', [
      customers[2], // the 3rd customer: ordersCount 0 either way; the 5th is erased below
    ]);
    await t.db.query('UPDATE customers SET erased_at = now() WHERE id = $1', [customers[4]]);
    const ruleId = await api.createRule(
      manualRule(TEMPLATE, {
        conditions: {
          all: [
            { field: 'customer.id', op: 'contains', value: `${tag}-` },
            { field: 'customer.ordersCount', op: 'gte', value: 1 },
          ],
        },
      }),
    );
    const run = await api.finished(ruleId, await api.start(ruleId));
    // i % 3 >= 1 for 40 of 60 customers; customer 5 (5 % 3 = 2) is erased.
    expect(run).toMatchObject({
      status: 'completed',
      audienceSize: 39,
      processed: 39,
      scheduled: 39,
    });
    const reached = new Set((await messagesOf(ruleId)).map((m) => m.customer_id));
    const expected = customers.filter((_, i) => (i + 1) % 3 >= 1 && i !== 4);
    expect(reached).toEqual(new Set(expected));
  });

  it('counts what the gates refused by reason: re-entry and value tier', async () => {
    const tag = `gate-${randomUUID().slice(0, 6)}`;
    await seedCustomers(t.db, 30, tag, {
      valueTier: (i) => (i <= 10 ? 'unprofitable' : 'gold'),
    });
    await t.http
      .put('/v1/templates/test.runs-promo')
      .set('Authorization', `Bearer ${await t.keyFor('marketer')}`)
      .send({
        subject: '{{promotion.discountPercent}} % off',
        html: '<p>Code {{promotion.code}}</p>{{> footer}}',
      })
      .expect((res) => expect([200, 201]).toContain(res.status));
    const ruleId = await api.createRule({
      ...manualRule('test.runs-promo', {
        module: 'reinforcing-promotions',
        reentry: 'once',
        conditions: { field: 'customer.id', op: 'contains', value: `${tag}-` },
      }),
      action: {
        type: 'email',
        template: 'test.runs-promo',
        promotion: { codePrefix: 'RUN', discountPercent: 10, validFor: 'P14D' },
      },
    });
    const first = await api.finished(ruleId, await api.start(ruleId));
    expect(first).toMatchObject({
      status: 'completed',
      audienceSize: 30,
      processed: 30,
      scheduled: 20,
      heldOut: 0,
      skipped: { unprofitable: 10 },
    });
    const second = await api.finished(ruleId, await api.start(ruleId));
    expect(second).toMatchObject({
      status: 'completed',
      processed: 30,
      scheduled: 0,
      skipped: { unprofitable: 10, already_entered: 20 },
    });
    const codes = await t.db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM promotions p JOIN customers c ON c.id = p.customer_id WHERE c.external_id LIKE $1',
      [`${tag}-%`],
    );
    expect(codes[0].n).toBe(20);
  });

  it('lists the runs of a rule, newest first', async () => {
    const ruleId = await api.createRule(
      manualRule(TEMPLATE, { conditions: { field: 'customer.id', op: 'eq', value: 'nobody' } }),
    );
    const a = await api.start(ruleId);
    await api.finished(ruleId, a);
    const b = await api.start(ruleId);
    const done = await api.finished(ruleId, b);
    expect(done).toMatchObject({ status: 'completed', audienceSize: 0, processed: 0 });
    const res = await api.get(`/v1/rules/${ruleId}/runs`).expect(200);
    expect((res.body as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([b, a]);
  });

  describe('what cannot be run', () => {
    it('404 for an unknown rule, or an unknown run', async () => {
      const res = await api.run(randomUUID());
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const ruleId = await api.createRule(manualRule(TEMPLATE));
      await api.get(`/v1/rules/${ruleId}/runs/${randomUUID()}`).expect(404);
      await api.get(`/v1/rules/${randomUUID()}/runs`).expect(404);
    });

    it('422 naming the parameter for an id that is not a UUID', async () => {
      const res = await api.run('not-a-uuid');
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'id' })]);
      const ruleId = await api.createRule(manualRule(TEMPLATE));
      const bad = await api.get(`/v1/rules/${ruleId}/runs/42`);
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'runId' })]);
    });

    it('409 for an event rule, a paused and a draft rule; nothing recorded', async () => {
      const eventRule = await api.createRule(
        manualRule(TEMPLATE, { trigger: { type: 'event', event: 'custom.thing' } }),
      );
      const paused = await api.createRule(manualRule(TEMPLATE, { status: 'paused' }));
      const draft = await api.createRule(manualRule(TEMPLATE, { status: 'draft' }));
      for (const id of [eventRule, paused, draft]) {
        const res = await api.run(id);
        expect(res.status).toBe(409);
        expect(res.body.detail).toMatch(/event rule|paused|draft/);
      }
      const runs = await t.db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM rule_runs WHERE rule_id = ANY($1::uuid[])',
        [[eventRule, paused, draft]],
      );
      expect(runs[0].n).toBe(0);
    });

    it('runs a schedule rule by hand too', async () => {
      const ruleId = await api.createRule(
        manualRule(TEMPLATE, {
          trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Europe/Berlin' },
          conditions: { field: 'customer.id', op: 'eq', value: 'nobody' },
        }),
      );
      const run = await api.finished(ruleId, await api.start(ruleId));
      expect(run).toMatchObject({ status: 'completed', trigger: 'manual' });
    });
  });

  describe('executing one run more than once', () => {
    /** A recorded run nobody has queued: the test drives the executor itself. */
    const recordRun = async (ruleId: string) => {
      const id = randomUUID();
      await t.db.query(
        `INSERT INTO rule_runs (id, rule_id, occurrence, trigger, triggered_at) VALUES ($1, $2, $3, 'manual', now())`,
        [id, ruleId, id],
      );
      return id;
    };
    const audienceRule = async (size: number) => {
      const tag = `twice-${randomUUID().slice(0, 6)}`;
      await seedCustomers(t.db, size, tag);
      return api.createRule(
        manualRule(TEMPLATE, {
          holdoutPercent: 20,
          conditions: { field: 'customer.id', op: 'contains', value: `${tag}-` },
        }),
      );
    };

    it('writes each page once: none is rolled back for reading the cursor before the previous commit', async () => {
      const ruleId = await audienceRule(2000);
      const runId = await recordRun(ruleId);
      // A rolled-back page still used up sequence values for its history rows: the gap
      // between the values used and the rows kept counts the history rows written in vain.
      const historyIds = async () => {
        const [row] = await t.db.query<{ used: string; kept: string }[]>(
          `SELECT (SELECT last_value - CASE WHEN is_called THEN 0 ELSE 1 END
                     FROM message_status_changes_id_seq) AS used,
                  (SELECT count(*) FROM message_status_changes) AS kept`,
        );
        return { used: Number(row.used), kept: Number(row.kept) };
      };
      const before = await historyIds();
      const outcome = await t.app.get(RunExecutor).execute(runId);
      const after = await historyIds();
      expect(outcome).toEqual({ kind: 'completed', processed: 2000 });
      expect(after.kept - before.kept).toBeGreaterThanOrEqual(2000);
      expect(after.used - before.used - (after.kept - before.kept)).toBe(0);
    });

    it('two executors at once (a stalled job that was not dead) make each entry once', async () => {
      const ruleId = await audienceRule(1500);
      const runId = await recordRun(ruleId);
      const executor = t.app.get(RunExecutor);
      const outcomes = await Promise.all([executor.execute(runId), executor.execute(runId)]);
      expect(outcomes.map((o) => o.kind)).toEqual(['completed', 'completed']);
      const run = await api.progress(ruleId, runId);
      expect(run).toMatchObject({ status: 'completed', audienceSize: 1500, processed: 1500 });
      expect(run.scheduled + run.heldOut).toBe(1500);
      const messages = await messagesOf(ruleId);
      expect(messages).toHaveLength(1500);
      expect(new Set(messages.map((m) => m.customer_id)).size).toBe(1500);
    });

    it('an executor asked to stop hands the run back between pages; the next one finishes it', async () => {
      const ruleId = await audienceRule(1000);
      const runId = await recordRun(ruleId);
      const executor = t.app.get(RunExecutor);
      let asked = 0;
      const first = await executor.execute(runId, () => ++asked > 4);
      expect(first).toEqual({ kind: 'interrupted' });
      const halfway = await api.progress(ruleId, runId);
      expect(halfway.status).toBe('running');
      expect(halfway.processed).toBeGreaterThan(0);
      expect(halfway.processed).toBeLessThan(1000);
      expect(halfway.processed % 100).toBe(0);
      expect(await messagesOf(ruleId)).toHaveLength(halfway.processed);

      expect(await executor.execute(runId)).toEqual({ kind: 'completed', processed: 1000 });
      const run = await api.progress(ruleId, runId);
      expect(run).toMatchObject({ status: 'completed', processed: 1000 });
      expect(run.scheduled + run.heldOut).toBe(1000);
      expect(await messagesOf(ruleId)).toHaveLength(1000);
    });
  });

  it('stops a run within a page or so when its rule is paused mid-run', async () => {
    const tag = `pause-${randomUUID().slice(0, 6)}`;
    await seedCustomers(t.db, 5000, tag);
    const ruleId = await api.createRule(
      manualRule(TEMPLATE, {
        conditions: { field: 'customer.id', op: 'contains', value: `${tag}-` },
      }),
    );
    const runId = await api.start(ruleId);
    await t.waitFor(async () => (await api.progress(ruleId, runId)).processed > 0, 30_000);
    await api.patchRule(ruleId, { status: 'paused' }).expect(200);
    const run = await api.finished(ruleId, runId);
    expect(run).toMatchObject({ status: 'cancelled', error: 'the rule was paused' });
    expect(run.processed).toBeLessThan(5000);
    // What was committed before the pause stays, counted once.
    expect(await messagesOf(ruleId)).toHaveLength(run.scheduled + run.heldOut);
    expect(run.scheduled + run.heldOut).toBe(run.processed);
  });

  it('cancels a run whose rule is paused before it ran', async () => {
    const ruleId = await api.createRule(manualRule(TEMPLATE));
    // Recorded, but paused before any worker got to it: a paused rule sends nothing.
    const runId = await t.db.transaction(async (em) => {
      const id = randomUUID();
      await em.query(
        `INSERT INTO rule_runs (id, rule_id, occurrence, trigger, triggered_at) VALUES ($1, $2, $3, 'manual', now())`,
        [id, ruleId, id],
      );
      return id;
    });
    await api.patchRule(ruleId, { status: 'paused' }).expect(200);
    const { RuleRuns } = await import('../../src/rules/runs/rule-runs.service');
    await t.app.get(RuleRuns).enqueue([runId]);
    const run = await api.finished(ruleId, runId);
    expect(run).toMatchObject({ status: 'cancelled', processed: 0, error: 'the rule was paused' });
    expect(await messagesOf(ruleId)).toEqual([]);
  });
});
