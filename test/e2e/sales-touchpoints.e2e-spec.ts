import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { exampleRule, exampleSummaryRule } from '../../src/mix/sales-touchpoints/example-rule';
import { TaskNoticeJob } from '../../src/mix/sales-touchpoints/task-notice-job';
import { TaskNotifier } from '../../src/mix/sales-touchpoints/task-notifier';
import { EngineEvents } from '../../src/events/engine-events';
import { DeliveryApp } from '../support/delivery';
import { RuleRunsClient } from '../support/rule-runs';

/**
 * sales-touchpoints through HTTP, with a real SMTP sink: a manual value-review rule run makes
 * one task per account and one digest per owner; completing a task sends the value summary
 * to every stakeholder; who sees and completes which task; bad input.
 *
 * The periodic digest runs rarely here (TASK_NOTICE_INTERVAL_MS is an hour), so every digest
 * seen comes from the end of a run or from a pass a test starts itself.
 */

interface TaskBody {
  id: string;
  title: string;
  status: string;
  dueAt: string;
  assignee: { email: string; name: string | null };
  account: { id: string; name: string } | null;
  customerId: string | null;
  ruleId: string | null;
  runId: string | null;
  outcome: string | null;
  notes: string | null;
  valueDelivered: string | null;
  completedAt: string | null;
  completedBy: string | null;
  notifiedAt: string | null;
}

const unique = () => randomUUID().slice(0, 8);

function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

describe('sales-touchpoints', () => {
  let d: DeliveryApp;
  let runs: RuleRunsClient;
  let ingest: string;
  let support: string;

  beforeAll(async () => {
    d = await DeliveryApp.start({
      TASK_NOTICE_INTERVAL_MS: '3600000',
      TASK_OVERDUE_INTERVAL_MS: '3600000',
      // Two stakeholders a page: an account's stakeholders span pages of one run.
      RULE_RUN_PAGE_SIZE: '2',
      COMPANY_NAME: 'Demo Shop',
    });
    runs = await RuleRunsClient.for(d.t);
    ingest = await d.t.keyFor('ingest');
    support = await d.t.keyFor('support');
  });
  afterAll(() => d.close());

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  /** A B2B account owned by `owner`, with stakeholders of these first names. */
  async function account(owner: { email: string; name?: string }, firstNames: string[]) {
    const id = `acct-${unique()}`;
    const name = `Account ${id}`;
    await d.t.http
      .put(`/v1/accounts/${id}`)
      .set(as(ingest))
      .send({ name, ownerEmail: owner.email, ownerName: owner.name, attributes: { rank: 3 } })
      .expect(201);
    const stakeholders = [];
    for (const firstName of firstNames) {
      stakeholders.push(await d.customer(firstName.toLowerCase(), { firstName, accountId: id }));
    }
    return { id, name, stakeholders };
  }

  /** The example value-review rule, run by hand over these accounts only. */
  function reviewRule(accountIds: string[], overrides: Record<string, unknown> = {}) {
    return {
      ...exampleRule,
      name: `Value review ${unique()}`,
      trigger: { type: 'manual' },
      conditions: {
        all: [
          { field: 'account.attributes.rank', op: 'lte', value: 20 },
          { field: 'account.id', op: 'in', value: accountIds },
        ],
      },
      ...overrides,
    };
  }

  async function salesKey(ownerEmail: string) {
    const res = await d.t.http
      .post('/v1/api-keys')
      .set(as(d.t.adminKey))
      .send({ name: `rep ${ownerEmail}`, role: 'sales', ownerEmail })
      .expect(201);
    return (res.body as { key: string }).key;
  }

  async function tasksOf(key: string, query = ''): Promise<TaskBody[]> {
    const res = await d.t.http.get(`/v1/tasks${query}`).set(as(key));
    expect(res.status).toBe(200);
    return (res.body as { items: TaskBody[] }).items;
  }

  const tasksOfRule = (ruleId: string) =>
    d.t.db.query<{ id: string; status: string; account_id: string; customer_id: string }[]>(
      'SELECT id, status, account_id, customer_id FROM tasks WHERE rule_id = $1 ORDER BY account_id',
      [ruleId],
    );

  const digestsTo = (address: string) =>
    d.t.db.query<{ id: string; status: string; kind: string }[]>(
      `SELECT id, status, kind FROM messages WHERE recipient = $1 AND module = 'sales-touchpoints'`,
      [address],
    );

  /** Runs a rule to its end and returns the run's progress. */
  async function run(ruleId: string) {
    const runId = await runs.start(ruleId);
    const done = await runs.finished(ruleId, runId);
    expect(done.status).toBe('completed');
    return done;
  }

  describe('the value review: one task per account, one digest per owner, a summary to every stakeholder', () => {
    it('runs the example rules end to end', async () => {
      const rep = { email: `sam-${unique()}@example.com`, name: 'Sam Rivera' };
      const northwind = await account(rep, ['Ada', 'Ben', 'Cem']);
      const contoso = await account(rep, ['Dee']);
      const reviewId = await runs.createRule(reviewRule([northwind.id, contoso.id]));
      const summaryId = await runs.createRule({
        ...exampleSummaryRule,
        conditions: {
          all: [
            { field: 'event.properties.valueDelivered', op: 'exists' },
            { field: 'account.id', op: 'eq', value: northwind.id },
          ],
        },
      });

      // Four stakeholders in pages of two: Northwind's three span two pages, one task still.
      const progress = await run(reviewId);
      expect(progress).toMatchObject({ processed: 4, scheduled: 2, heldOut: 0 });
      expect(progress.skipped).toEqual({ account_has_task: 2 });
      const rows = await tasksOfRule(reviewId);
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.status === 'open')).toBe(true);
      // Linked to the account and to its first stakeholder.
      expect(rows.map((r) => r.customer_id).sort()).toEqual(
        [northwind.stakeholders[0].id, contoso.stakeholders[0].id].sort(),
      );

      // The rep's key lists both, with the title rendered and due in 14 days.
      const key = await salesKey(rep.email.toUpperCase());
      const listed = await tasksOf(key);
      expect(listed.map((t) => t.title).sort()).toEqual(
        [
          `Quarterly value review with ${contoso.name}`,
          `Quarterly value review with ${northwind.name}`,
        ].sort(),
      );
      const review = listed.find((t) => t.account?.id === northwind.id)!;
      expect(review).toMatchObject({
        status: 'open',
        assignee: { email: rep.email, name: 'Sam Rivera' },
        account: { id: northwind.id, name: northwind.name },
        customerId: northwind.stakeholders[0].externalId,
        ruleId: reviewId,
        runId: progress.id,
      });
      const due = Date.parse(review.dueAt) - Date.parse(progress.triggeredAt);
      expect(due).toBe(14 * 24 * 3600 * 1000);

      // One digest when the run ended, listing both tasks; sent, not one per task.
      await d.t.waitFor(() => Promise.resolve(d.sink.to(rep.email).length === 1));
      const [digest] = d.sink.to(rep.email);
      expect(digest.subject).toBe('2 customer tasks for you');
      expect(digest.text).toContain('Hello Sam Rivera,');
      expect(digest.text).toContain(`Quarterly value review with ${northwind.name}`);
      expect(digest.text).toContain(`Quarterly value review with ${contoso.name}`);
      expect(digest.html).toContain(`https://retention.example.test/v1/tasks/${review.id}`);
      expect(digest.headers['list-unsubscribe']).toBeUndefined();
      expect(await d.t.app.get(TaskNotifier).notifyPending()).toBe(0);
      const notices = await digestsTo(rep.email);
      expect(notices.map((m) => m.kind)).toEqual(['task-notice']);
      await d.waitForStatus(notices[0].id, 'sent');
      expect((await tasksOf(key)).every((t) => t.notifiedAt !== null)).toBe(true);

      // Completed by the rep: 200 with the task, and `task.completed` for the account.
      const completed = await d.t.http.post(`/v1/tasks/${review.id}/complete`).set(as(key)).send({
        outcome: 'review held',
        notes: 'Walked the finance team through the new reports.',
        valueDelivered: 'Order processing down from 3 days to 1.',
      });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({
        id: review.id,
        status: 'completed',
        outcome: 'review held',
        notes: 'Walked the finance team through the new reports.',
        valueDelivered: 'Order processing down from 3 days to 1.',
        completedAt: expect.any(String),
        completedBy: rep.email.toUpperCase(),
      });
      const event = await d.t.http
        .get(`/v1/events/task.completed.${review.id}`)
        .set(as(support))
        .expect(200);
      expect(event.body).toMatchObject({
        type: 'task.completed',
        customerId: northwind.stakeholders[0].externalId,
        properties: {
          taskId: review.id,
          outcome: 'review held',
          notes: 'Walked the finance team through the new reports.',
          valueDelivered: 'Order processing down from 3 days to 1.',
          accountId: northwind.id,
        },
      });

      // The summary: one personal message to each of the three stakeholders.
      for (const stakeholder of northwind.stakeholders) {
        await d.t.waitFor(() => Promise.resolve(d.sink.to(stakeholder.email).length === 1));
      }
      for (const [i, stakeholder] of northwind.stakeholders.entries()) {
        const [summary] = d.sink.to(stakeholder.email);
        expect(summary.subject).toBe(`What we achieved together: ${northwind.name} and Demo Shop`);
        expect(summary.text).toContain(`Hello ${['Ada', 'Ben', 'Cem'][i]},`);
        expect(summary.text).toContain('Order processing down from 3 days to 1.');
        expect(summary.text).toContain('Walked the finance team through the new reports.');
        expect(summary.text).toContain('Sam Rivera recently met with your team');
        expect(summary.headers['list-unsubscribe']).toBeDefined();
      }
      const summaries = await d.t.db.query<{ customer_id: string; status: string }[]>(
        'SELECT customer_id, status FROM messages WHERE rule_id = $1 ORDER BY customer_id',
        [summaryId],
      );
      expect(summaries.map((m) => m.customer_id).sort()).toEqual(
        northwind.stakeholders.map((s) => s.id).sort(),
      );
      // Contoso's stakeholder is not Northwind's: no summary.
      expect(d.sink.to(contoso.stakeholders[0].email)).toHaveLength(0);
    });
  });

  describe('the value summary trusts no task.completed it did not emit', () => {
    it('sends nothing for an event naming another account’s task, or no task', async () => {
      const marketer = await d.t.keyFor('marketer');
      const rep = { email: `trust-${unique()}@example.com` };
      const ours = await account(rep, ['Oli']);
      const theirs = await account(rep, ['Pia']);
      const reviewId = await runs.createRule(reviewRule([ours.id]));
      await run(reviewId);
      const [task] = await tasksOfRule(reviewId);
      // The example summary rule as it is, for every account.
      const summaryId = await runs.createRule({
        ...exampleSummaryRule,
        name: `Summary ${unique()}`,
      });

      // The API refuses engine event types from outside…
      const refused = await d.t.http
        .post('/v1/events')
        .set(as(ingest))
        .send({
          id: `forged-${unique()}`,
          type: 'task.completed',
          customerId: theirs.stakeholders[0].externalId,
          occurredAt: new Date().toISOString(),
          properties: { taskId: task.id },
        });
      expectProblem(refused, 422);
      // …and the module still checks what the engine hands it (a bug elsewhere, a bad replay).
      const engineEvents = d.t.app.get(EngineEvents);
      const send = async (customerId: string, properties: Record<string, unknown>) => {
        const id = `forged-${unique()}`;
        await d.t.db.transaction((em) =>
          engineEvents.insert(em, [{ id, type: 'task.completed', customerId, properties }]),
        );
        await engineEvents.enqueue([id]);
      };
      // Before completion the task is open; then for another account; then no task at all.
      await send(ours.stakeholders[0].id, { taskId: task.id, valueDelivered: 'early' });
      await send(theirs.stakeholders[0].id, { taskId: task.id, valueDelivered: 'forged' });
      await send(theirs.stakeholders[0].id, { taskId: 'nope', valueDelivered: 'forged' });
      await send(theirs.stakeholders[0].id, { taskId: randomUUID(), valueDelivered: 'x' });

      const stats = () =>
        d.t.http
          .get(`/v1/rules/${summaryId}/stats`)
          .set(as(marketer))
          .expect(200)
          .then((res) => res.body as { skipped: Record<string, number> });
      const skipped = await d.t.waitFor(async () => {
        const { skipped } = await stats();
        const total = Object.values(skipped).reduce((a, b) => a + b, 0);
        return total === 4 ? skipped : null;
      });
      expect(skipped).toEqual({ task_not_completed: 1, task_of_another_account: 1, no_task: 2 });
      const messages = await d.t.db.query('SELECT id FROM messages WHERE rule_id = $1', [
        summaryId,
      ]);
      expect(messages).toEqual([]);

      // Completed for real: the summary goes to the task's own account.
      await d.t.http
        .post(`/v1/tasks/${task.id}/complete`)
        .set(as(support))
        .send({ outcome: 'done', valueDelivered: 'Real value.' })
        .expect(200);
      await d.t.waitFor(() => Promise.resolve(d.sink.to(ours.stakeholders[0].email).length === 1));
      expect(d.sink.to(ours.stakeholders[0].email)[0].text).toContain('Real value.');
      expect(d.sink.to(theirs.stakeholders[0].email)).toHaveLength(0);
      // Paused again: the rule is for every account and would follow the other tests' tasks.
      await runs.patchRule(summaryId, { status: 'paused' }).expect(200);
    });
  });

  describe('runs', () => {
    it('makes no second task when the same run is looked at again (dedupe on rule, account, run)', async () => {
      const rep = { email: `kim-${unique()}@example.com` };
      const acme = await account(rep, ['Eve', 'Fay']);
      const ruleId = await runs.createRule(reviewRule([acme.id]));
      const first = await run(ruleId);
      const second = await run(ruleId);
      expect(first.id).not.toBe(second.id);
      // Each run is a new occurrence: one task each, never two in one run.
      const rows = await tasksOfRule(ruleId);
      expect(rows).toHaveLength(2);
      expect(second.skipped).toEqual({ account_has_task: 1 });
      // Each run's end sent its own digest.
      await d.t.waitFor(() => Promise.resolve(d.sink.to(rep.email).length === 2));
      expect(d.sink.to(rep.email).map((m) => m.subject)).toEqual([
        '1 customer task for you',
        '1 customer task for you',
      ]);
    });

    it('skips stakeholders of no account as no_account', async () => {
      const loner = await d.customer('loner', { firstName: 'Lo' });
      const ruleId = await runs.createRule({
        ...reviewRule([]),
        conditions: { field: 'customer.id', op: 'eq', value: loner.externalId },
      });
      const progress = await run(ruleId);
      expect(progress).toMatchObject({ processed: 1, scheduled: 0 });
      expect(progress.skipped).toEqual({ no_account: 1 });
      expect(await tasksOfRule(ruleId)).toEqual([]);
    });

    it('records held-out accounts as held_out tasks: never notified, never shown to the rep', async () => {
      const rep = { email: `hal-${unique()}@example.com` };
      const held = await account(rep, ['Gus']);
      const ruleId = await runs.createRule(reviewRule([held.id], { holdoutPercent: 100 }));
      const progress = await run(ruleId);
      expect(progress).toMatchObject({ scheduled: 0, heldOut: 1 });
      const [row] = await tasksOfRule(ruleId);
      expect(row.status).toBe('held_out');
      expect(await d.t.app.get(TaskNotifier).notifyPending()).toBe(0);
      expect(await digestsTo(rep.email)).toEqual([]);

      const key = await salesKey(rep.email);
      expect(await tasksOf(key)).toEqual([]);
      expect(await tasksOf(key, '?status=held_out')).toEqual([]);
      expectProblem(await d.t.http.get(`/v1/tasks/${row.id}`).set(as(key)), 404);
      // Support sees it, and cannot complete it.
      const seen = await d.t.http.get(`/v1/tasks/${row.id}`).set(as(support)).expect(200);
      expect(seen.body).toMatchObject({ status: 'held_out' });
      const refused = await d.t.http
        .post(`/v1/tasks/${row.id}/complete`)
        .set(as(support))
        .send({ outcome: 'done' });
      expectProblem(refused, 409);
      expect(refused.body.detail).toContain('held out');
    });

    it('sends no digest for a rule with notify: false', async () => {
      const rep = { email: `quiet-${unique()}@example.com` };
      const quiet = await account(rep, ['Hal']);
      const ruleId = await runs.createRule(
        reviewRule([quiet.id], { action: { ...exampleRule.action, notify: false } }),
      );
      await run(ruleId);
      expect(await tasksOfRule(ruleId)).toHaveLength(1);
      expect(await d.t.app.get(TaskNotifier).notifyPending()).toBe(0);
      expect(await digestsTo(rep.email)).toEqual([]);
    });
  });

  describe('tasks made by events', () => {
    /**
     * Two accounts of one rep, an event rule making a task for each, and one event per
     * account in a single batch; resolves once both tasks exist.
     */
    const burstOfTwo = async (rep: { email: string; name: string }, names: [string, string]) => {
      const accounts = [await account(rep, [names[0]]), await account(rep, [names[1]])];
      const eventType = `account.review_requested_${unique()}`;
      const ruleId = await runs.createRule({
        ...exampleRule,
        name: 'Review on request',
        trigger: { type: 'event', event: eventType },
        conditions: undefined,
        action: {
          ...exampleRule.action,
          title: '{{event.properties.topic}} with {{account.name}}',
        },
      });
      const res = await d.t.http
        .post('/v1/events/batch')
        .set(as(ingest))
        .send({
          events: accounts.map((a) => ({
            id: `ev-${unique()}`,
            type: eventType,
            customerId: a.stakeholders[0].externalId,
            occurredAt: new Date().toISOString(),
            properties: { topic: 'Renewal talk' },
          })),
        })
        .expect(202);
      expect(res.body).toMatchObject({ accepted: 2 });
      await d.t.waitFor(async () => (await tasksOfRule(ruleId)).length === 2);
      return { accounts, tasks: await tasksOfRule(ruleId) };
    };

    it('are digested together by the periodic pass, one email per owner', async () => {
      const rep = { email: `evt-${unique()}@example.com`, name: 'Eva' };
      const {
        accounts: [one, two],
      } = await burstOfTwo(rep, ['Ida', 'Jon']);
      // Past the debounce, one pass of the worker's job (as its timer would run it).
      await d.t.waitFor(async () => {
        await d.t.app.get(TaskNoticeJob).runOnce();
        return (await digestsTo(rep.email)).length > 0;
      });
      await d.t.waitFor(() => Promise.resolve(d.sink.to(rep.email).length === 1));
      const [digest] = d.sink.to(rep.email);
      expect(digest.subject).toBe('2 customer tasks for you');
      expect(digest.text).toContain(`Renewal talk with ${one.name}`);
      expect(digest.text).toContain(`Renewal talk with ${two.name}`);
    });

    it('wait until the rep got no new task for the debounce, so a pass amid a burst splits nothing', async () => {
      const rep = { email: `burst-${unique()}@example.com`, name: 'Bo' };
      const {
        tasks: [first, second],
      } = await burstOfTwo(rep, ['Kim', 'Lou']);
      const age = (id: string, ms: number) =>
        d.t.db.query(
          `UPDATE tasks SET created_at = now() - make_interval(secs => $2) WHERE id = $1`,
          [id, ms / 1000],
        );
      // The first task is past the debounce, the second not yet: the pass waits for both.
      await age(first.id, 1_500);
      await age(second.id, 200);
      await d.t.app.get(TaskNoticeJob).runOnce();
      expect(await digestsTo(rep.email)).toEqual([]);
      await age(second.id, 1_500);
      await d.t.app.get(TaskNoticeJob).runOnce();
      expect(await digestsTo(rep.email)).toHaveLength(1);
      await d.t.waitFor(() => Promise.resolve(d.sink.to(rep.email).length === 1));
      expect(d.sink.to(rep.email)[0].subject).toBe('2 customer tasks for you');
    });
  });

  describe('who sees which task', () => {
    let samKey: string;
    let kimKey: string;
    let sam: string;
    let kim: string;
    let samTask: TaskBody;
    let kimTask: TaskBody;

    beforeAll(async () => {
      sam = `sam-${unique()}@example.com`;
      kim = `kim-${unique()}@example.com`;
      const a = await account({ email: sam }, ['Kai']);
      const b = await account({ email: sam }, ['Lea']);
      const c = await account({ email: kim }, ['Max']);
      await run(await runs.createRule(reviewRule([a.id, b.id, c.id])));
      samKey = await salesKey(sam);
      kimKey = await salesKey(kim);
      [samTask] = await tasksOf(samKey);
      [kimTask] = await tasksOf(kimKey);
    });

    it('a sales key lists only its own rep’s tasks', async () => {
      const own = await tasksOf(samKey);
      expect(own).toHaveLength(2);
      expect(own.every((t) => t.assignee.email === sam)).toBe(true);
      expect(
        await tasksOf(samKey, `?assignee=${encodeURIComponent(sam.toUpperCase())}`),
      ).toHaveLength(2);
      expect((await tasksOf(kimKey)).map((t) => t.id)).toEqual([kimTask.id]);
    });

    it('refuses a sales key asking for another rep’s list, task or completion with 403', async () => {
      expectProblem(await d.t.http.get(`/v1/tasks?assignee=${kim}`).set(as(samKey)), 403);
      expectProblem(await d.t.http.get(`/v1/tasks/${kimTask.id}`).set(as(samKey)), 403);
      expectProblem(
        await d.t.http
          .post(`/v1/tasks/${kimTask.id}/complete`)
          .set(as(samKey))
          .send({ outcome: 'done' }),
        403,
      );
      const unchanged = await d.t.http.get(`/v1/tasks/${kimTask.id}`).set(as(kimKey)).expect(200);
      expect(unchanged.body).toMatchObject({ status: 'open', outcome: null });
    });

    it('lets support and admin see every task and filter by assignee and status', async () => {
      for (const key of [support, d.t.adminKey]) {
        const bySam = await tasksOf(key, `?assignee=${sam}`);
        expect(bySam).toHaveLength(2);
        const open = await tasksOf(key, `?assignee=${kim}&status=open`);
        expect(open.map((t) => t.id)).toEqual([kimTask.id]);
        expect(await tasksOf(key, `?assignee=${kim}&status=completed`)).toEqual([]);
        const one = await d.t.http.get(`/v1/tasks/${samTask.id}`).set(as(key)).expect(200);
        expect(one.body).toMatchObject({ id: samTask.id, assignee: { email: sam } });
      }
    });

    it('pages newest first with a cursor', async () => {
      const page1 = await d.t.http
        .get(`/v1/tasks?assignee=${sam}&limit=1`)
        .set(as(support))
        .expect(200);
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await d.t.http
        .get(`/v1/tasks?assignee=${sam}&limit=1&cursor=${page1.body.nextCursor}`)
        .set(as(support))
        .expect(200);
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.nextCursor).toBeNull();
      const ids = [page1.body.items[0].id, page2.body.items[0].id];
      expect(new Set(ids).size).toBe(2);
      expect(ids.sort()).toEqual((await tasksOf(samKey)).map((t) => t.id).sort());
    });

    it('refuses a sales key that has no ownerEmail (created before it was required)', async () => {
      const created = await d.t.http
        .post('/v1/api-keys')
        .set(as(d.t.adminKey))
        .send({ name: 'old sales key', role: 'sales', ownerEmail: 'x@example.com' })
        .expect(201);
      await d.t.db.query('UPDATE api_keys SET owner_email = NULL WHERE id = $1', [created.body.id]);
      expectProblem(await d.t.http.get('/v1/tasks').set(as(created.body.key as string)), 403);
    });
  });

  describe('completing a task: bad input changes nothing', () => {
    let task: TaskBody;
    let key: string;

    beforeAll(async () => {
      const rep = `err-${unique()}@example.com`;
      const a = await account({ email: rep }, ['Ned']);
      await run(await runs.createRule(reviewRule([a.id])));
      key = await salesKey(rep);
      [task] = await tasksOf(key);
    });

    const complete = (id: string, body: unknown) =>
      d.t.http
        .post(`/v1/tasks/${id}/complete`)
        .set(as(key))
        .send(body as object);

    it.each([
      ['no outcome', 'outcome', {}, /is required/],
      ['an empty outcome', 'outcome', { outcome: '   ' }, /must not be empty/],
      ['an outcome over 200 characters', 'outcome', { outcome: 'x'.repeat(201) }, /./],
      ['notes over 5000 characters', 'notes', { outcome: 'ok', notes: 'x'.repeat(5001) }, /./],
      [
        'a value over 5000 characters',
        'valueDelivered',
        { outcome: 'ok', valueDelivered: 'x'.repeat(5001) },
        /./,
      ],
      ['a number as outcome', 'outcome', { outcome: 5 }, /./],
      ['an unknown field', 'status', { outcome: 'ok', status: 'completed' }, /unknown field/],
    ])('refuses %s with 422 naming %s', async (_, path, body, message) => {
      const res = await complete(task.id, body);
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
      const after = await d.t.http.get(`/v1/tasks/${task.id}`).set(as(key)).expect(200);
      expect(after.body).toMatchObject({ status: 'open', outcome: null, completedAt: null });
    });

    it('refuses an id that is not a UUID with 422 naming id, and an unknown one with 404', async () => {
      const bad = await complete('not-a-uuid', { outcome: 'ok' });
      expectProblem(bad, 422);
      expect(bad.body.errors).toEqual([{ path: 'id', message: expect.any(String) }]);
      expectProblem(await complete(randomUUID(), { outcome: 'ok' }), 404);
      expectProblem(await d.t.http.get('/v1/tasks/nope').set(as(key)), 422);
      expectProblem(await d.t.http.get(`/v1/tasks?status=done`).set(as(key)), 422);
      expectProblem(await d.t.http.get(`/v1/tasks?assignee=not-an-email`).set(as(support)), 422);
      expectProblem(await d.t.http.get(`/v1/tasks?cursor=garbage`).set(as(support)), 422);
    });

    it('completes once: a second completion is 409 and emits nothing more', async () => {
      const first = await complete(task.id, { outcome: 'called' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'completed', outcome: 'called', notes: null });
      const again = await complete(task.id, { outcome: 'called again' });
      expectProblem(again, 409);
      const after = await d.t.http.get(`/v1/tasks/${task.id}`).set(as(key)).expect(200);
      expect(after.body.outcome).toBe('called');
      const events = await d.t.db.query<{ id: string; properties: Record<string, unknown> }[]>(
        `SELECT id, properties FROM events WHERE type = 'task.completed' AND properties->>'taskId' = $1`,
        [task.id],
      );
      expect(events).toEqual([
        {
          id: `task.completed.${task.id}`,
          properties: expect.objectContaining({
            outcome: 'called',
            notes: null,
            valueDelivered: null,
          }),
        },
      ]);
    });
  });

  describe('sales API keys carry the rep’s email', () => {
    it('requires ownerEmail for a sales key, naming the field', async () => {
      const res = await d.t.http
        .post('/v1/api-keys')
        .set(as(d.t.adminKey))
        .send({ name: 'rep without address', role: 'sales' });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([
        { path: 'ownerEmail', message: expect.stringContaining('sales') },
      ]);
    });

    it('refuses a malformed ownerEmail, and ownerEmail on other roles', async () => {
      const bad = await d.t.http
        .post('/v1/api-keys')
        .set(as(d.t.adminKey))
        .send({ name: 'rep', role: 'sales', ownerEmail: 'sam' });
      expectProblem(bad, 422);
      expect(bad.body.errors).toEqual([{ path: 'ownerEmail', message: expect.any(String) }]);
      const other = await d.t.http
        .post('/v1/api-keys')
        .set(as(d.t.adminKey))
        .send({ name: 'marketer', role: 'marketer', ownerEmail: 'sam@example.com' });
      expectProblem(other, 422);
      expect(other.body.errors).toEqual([
        { path: 'ownerEmail', message: 'is only for sales keys' },
      ]);
      const list = await d.t.http.get('/v1/api-keys').set(as(d.t.adminKey)).expect(200);
      const names = (list.body.items as { name: string }[]).map((k) => k.name);
      expect(names).not.toContain('rep without address');
      expect(names).not.toContain('marketer');
    });

    it('shows the ownerEmail of a sales key', async () => {
      const res = await d.t.http
        .post('/v1/api-keys')
        .set(as(d.t.adminKey))
        .send({ name: 'rep with address', role: 'sales', ownerEmail: 'rep@example.com' })
        .expect(201);
      expect(res.body).toMatchObject({ role: 'sales', ownerEmail: 'rep@example.com' });
    });
  });
});
