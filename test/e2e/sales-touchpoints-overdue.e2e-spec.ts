import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { exampleRule } from '../../src/mix/sales-touchpoints/example-rule';
import { OverdueTaskWatcher } from '../../src/mix/sales-touchpoints/overdue-task-watcher';
import { TaskNotifier } from '../../src/mix/sales-touchpoints/task-notifier';
import { DeliveryApp } from '../support/delivery';
import { RuleRunsClient } from '../support/rule-runs';

/**
 * Overdue tasks through HTTP and a real SMTP sink, with the worker's jobs on short timers
 * (every 200 ms) and a grace of one second: the owner is told, reminded once, and the task
 * escalates once to the sales manager. Event-made tasks reach their owner by the periodic
 * digest alone.
 */

const unique = () => randomUUID().slice(0, 8);

interface Harness {
  d: DeliveryApp;
  runs: RuleRunsClient;
  ingest: string;
}

async function start(env: Record<string, string>): Promise<Harness> {
  const d = await DeliveryApp.start({
    TASK_NOTICE_INTERVAL_MS: '200',
    TASK_OVERDUE_INTERVAL_MS: '200',
    TASK_ESCALATION_GRACE: 'PT1S',
    ...env,
  });
  return { d, runs: await RuleRunsClient.for(d.t), ingest: await d.t.keyFor('ingest') };
}

async function account(h: Harness, owner: { email: string; name?: string }, firstName: string) {
  const id = `acct-${unique()}`;
  await h.d.t.http
    .put(`/v1/accounts/${id}`)
    .set('Authorization', `Bearer ${h.ingest}`)
    .send({ name: `Account ${id}`, ownerEmail: owner.email, ownerName: owner.name })
    .expect(201);
  const stakeholder = await h.d.customer(firstName.toLowerCase(), { firstName, accountId: id });
  return { id, name: `Account ${id}`, stakeholder };
}

/** A manual task rule over these accounts, due `dueIn` after the run. */
function taskRule(accountIds: string[], dueIn: string) {
  return {
    ...exampleRule,
    name: `Call ${unique()}`,
    trigger: { type: 'manual' },
    conditions: { field: 'account.id', op: 'in', value: accountIds },
    action: { ...exampleRule.action, title: 'Call {{account.name}}', dueIn },
  };
}

async function runToEnd(h: Harness, ruleId: string) {
  const runId = await h.runs.start(ruleId);
  const done = await h.runs.finished(ruleId, runId);
  expect(done.status).toBe('completed');
  return done;
}

interface TaskRow {
  id: string;
  account: string;
  status: string;
  notified_at: Date | null;
  reminded_at: Date | null;
  escalated_at: Date | null;
}

const tasksOf = (h: Harness, ruleId: string) =>
  h.d.t.db.query<TaskRow[]>(
    `SELECT t.id, a.external_id AS account, t.status, t.notified_at, t.reminded_at, t.escalated_at
       FROM tasks t JOIN accounts a ON a.id = t.account_id
      WHERE t.rule_id = $1 ORDER BY a.external_id`,
    [ruleId],
  );

const mailTo = (h: Harness, address: string) =>
  h.d.t.db.query<{ kind: string; status: string; context: { tasks: { title: string }[] } }[]>(
    `SELECT kind, status, context FROM messages WHERE recipient = $1 ORDER BY created_at, id`,
    [address],
  );

describe('sales-touchpoints: overdue tasks escalate (TASK_ESCALATION_GRACE=PT1S)', () => {
  let h: Harness;
  const manager = `manager-${unique()}@example.com`;

  beforeAll(async () => {
    h = await start({ SALES_MANAGER_EMAIL: manager });
  });
  afterAll(() => h.d.close());

  it('tells the owner, reminds them once, then escalates once to the sales manager', async () => {
    const rep = { email: `rep-${unique()}@example.com`, name: 'Rita Rep' };
    const acme = await account(h, rep, 'Ann');
    const ruleId = await h.runs.createRule(taskRule([acme.id], 'PT1S'));
    await runToEnd(h, ruleId);
    const title = `Call ${acme.name}`;

    // Notice, then reminder to the owner; escalation to the manager — each exactly once.
    await h.d.t.waitFor(() => Promise.resolve(h.d.sink.to(rep.email).length === 2));
    await h.d.t.waitFor(() => Promise.resolve(h.d.sink.to(manager).length === 1));
    // In the order they were made (the sink may have them before their rows say sent).
    const toRep = await h.d.t.waitFor(async () => {
      const rows = await mailTo(h, rep.email);
      return rows.every((m) => m.status === 'sent') ? rows : null;
    });
    expect(toRep.map((m) => m.kind)).toEqual(['task-notice', 'task-reminder']);
    const subjects = h.d.sink.to(rep.email).map((m) => m.subject);
    expect(subjects.sort()).toEqual(['1 customer task for you', `Overdue: ${title}`].sort());
    const [escalation] = h.d.sink.to(manager);
    expect(escalation.subject).toBe(`Escalated: ${title} (Rita Rep)`);
    expect(escalation.text).toContain(rep.email);
    expect(escalation.text).toContain(acme.name);

    const [task] = await tasksOf(h, ruleId);
    expect(task).toMatchObject({
      status: 'open',
      notified_at: expect.any(Date),
      reminded_at: expect.any(Date),
      escalated_at: expect.any(Date),
    });
    expect(task.reminded_at!.getTime()).toBeGreaterThanOrEqual(task.notified_at!.getTime());

    // More passes change nothing: once each.
    const watcher = h.d.t.app.get(OverdueTaskWatcher);
    await h.d.t.waitFor(() => watcher.runOnce());
    await h.d.t.waitFor(() => watcher.runOnce());
    expect(await h.d.t.app.get(TaskNotifier).notifyPending()).toBe(0);
    expect(await mailTo(h, rep.email)).toHaveLength(2);
    expect(await mailTo(h, manager)).toHaveLength(1);

    // The task shows it through the API.
    const res = await h.d.t.http
      .get(`/v1/tasks/${task.id}`)
      .set('Authorization', `Bearer ${await h.d.t.keyFor('support')}`)
      .expect(200);
    expect(res.body).toMatchObject({
      remindedAt: expect.any(String),
      escalatedAt: expect.any(String),
    });
  });

  it('lists every overdue task of a pass in one email per owner and one to the manager', async () => {
    const rep = { email: `many-${unique()}@example.com`, name: 'Mo' };
    const other = { email: `kit-${unique()}@example.com`, name: 'Kit' };
    const a = await account(h, rep, 'Bo');
    const b = await account(h, rep, 'Cy');
    const c = await account(h, other, 'Di');
    const done = await account(h, rep, 'Ed');
    // Due in a day: nothing is overdue until the clock moves.
    const ruleId = await h.runs.createRule(taskRule([a.id, b.id, c.id, done.id], 'P1D'));
    await runToEnd(h, ruleId);
    await h.d.t.waitFor(async () =>
      (await tasksOf(h, ruleId)).every((t) => t.notified_at !== null),
    );
    await h.d.t.waitFor(() => Promise.resolve(h.d.sink.to(rep.email).length === 1));
    const completed = (await tasksOf(h, ruleId)).find((t) => t.account === done.id)!;
    await h.d.t.http
      .post(`/v1/tasks/${completed.id}/complete`)
      .set('Authorization', `Bearer ${await h.d.t.keyFor('support')}`)
      .send({ outcome: 'called early' })
      .expect(200);

    // Three days on (the due times move back, as if they had passed): past due and past the
    // grace at once, so one pass reminds and escalates them all.
    await h.d.t.db.query(
      `UPDATE tasks SET due_at = due_at - interval '3 days' WHERE rule_id = $1`,
      [ruleId],
    );
    await h.d.t.waitFor(
      async () => (await tasksOf(h, ruleId)).filter((t) => t.escalated_at !== null).length === 3,
    );
    await h.d.t.waitFor(() =>
      Promise.resolve(
        h.d.sink.to(rep.email).length === 2 &&
          h.d.sink.to(other.email).length === 2 &&
          h.d.sink.to(manager).length >= 2,
      ),
    );
    const reminders = (await mailTo(h, rep.email)).filter((m) => m.kind === 'task-reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0].context.tasks.map((t) => t.title).sort()).toEqual(
      [`Call ${a.name}`, `Call ${b.name}`].sort(),
    );
    const escalations = await mailTo(h, manager);
    const last = escalations[escalations.length - 1];
    expect(last.context.tasks.map((t) => t.title).sort()).toEqual(
      [`Call ${a.name}`, `Call ${b.name}`, `Call ${c.name}`].sort(),
    );
    // The completed task is neither reminded nor escalated.
    const [after] = (await tasksOf(h, ruleId)).filter((t) => t.id === completed.id);
    expect(after).toMatchObject({ status: 'completed', reminded_at: null, escalated_at: null });
  });

  it('digests tasks made by events with the periodic job alone', async () => {
    const rep = { email: `evt-${unique()}@example.com`, name: 'Eli' };
    const acme = await account(h, rep, 'Fi');
    const eventType = `account.visit_requested_${unique()}`;
    const ruleId = await h.runs.createRule({
      ...exampleRule,
      name: 'Visit on request',
      trigger: { type: 'event', event: eventType },
      conditions: undefined,
      action: { ...exampleRule.action, title: 'Visit {{account.name}}', dueIn: 'P7D' },
    });
    await h.d.t.http
      .post('/v1/events')
      .set('Authorization', `Bearer ${h.ingest}`)
      .send({
        id: `ev-${unique()}`,
        type: eventType,
        customerId: acme.stakeholder.externalId,
        occurredAt: new Date().toISOString(),
      })
      .expect(202);
    await h.d.t.waitFor(() => Promise.resolve(h.d.sink.to(rep.email).length === 1));
    expect(h.d.sink.to(rep.email)[0].text).toContain(`Visit ${acme.name}`);
    const [task] = await tasksOf(h, ruleId);
    expect(task.notified_at).not.toBeNull();
  });
});

describe('sales-touchpoints: without SALES_MANAGER_EMAIL nothing escalates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start({});
  });
  afterAll(() => h.d.close());

  it('reminds the owner, logs a warning, and leaves escalated_at empty', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const rep = { email: `solo-${unique()}@example.com` };
      const acme = await account(h, rep, 'Gil');
      const ruleId = await h.runs.createRule(taskRule([acme.id], 'PT1S'));
      await runToEnd(h, ruleId);
      await h.d.t.waitFor(async () => (await tasksOf(h, ruleId))[0].reminded_at !== null);
      await h.d.t.waitFor(() =>
        Promise.resolve(
          warn.mock.calls.some(([message]) => String(message).includes('SALES_MANAGER_EMAIL')),
        ),
      );
      const watcher = h.d.t.app.get(OverdueTaskWatcher);
      await h.d.t.waitFor(() => watcher.runOnce());
      const [task] = await tasksOf(h, ruleId);
      expect(task.escalated_at).toBeNull();
      const escalations = await h.d.t.db.query(
        `SELECT id FROM messages WHERE kind = 'task-escalation'`,
      );
      expect(escalations).toEqual([]);
      await h.d.t.waitFor(() => Promise.resolve(h.d.sink.to(rep.email).length === 2));
    } finally {
      warn.mockRestore();
    }
  });
});
