import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Duration, FixedOffsetZone } from 'luxon';
import type { EntityManager } from 'typeorm';
import type { AccountContext, CustomerContext } from '../../messaging/templates/template-context';
import type { Entry } from '../../rules/engine/entry';
import type { TaskOutcome } from '../../rules/engine/mix-module';
import { addDuration, requireDuration } from '../../rules/eligibility/durations';
import type { TaskAction } from '../../rules/rule.schema';
import { normalizeEmail } from './task-access';
import { ACCOUNT_HAS_TASK, addSkips, NO_ACCOUNT, planTasks, PlannedTask } from './task-plan';
import { TaskTitleRenderer } from './task-title';

interface AccountRow {
  key: string;
  owner_email: string;
  owner_name: string | null;
  account: AccountContext;
  customer: CustomerContext | null;
}

interface NewTask {
  dedupeKey: string;
  ruleId: string;
  runId: string | null;
  accountId: string;
  customerId: string;
  assigneeEmail: string;
  assigneeName: string | null;
  title: string;
  dueAt: Date;
  status: 'open' | 'held_out';
}

/**
 * The `task` action: one task per (rule, account, occurrence) for the account's owner, in the
 * engine's transaction. Two statements whatever the number of entries: the accounts (with the
 * stakeholders the titles name) in one read, the tasks in one insert that skips the ones a
 * retried job or an earlier page of the run made already.
 */
@Injectable()
export class TaskCreator {
  private readonly titles = new TaskTitleRenderer();

  async create(em: EntityManager, entries: Entry[], action: TaskAction): Promise<TaskOutcome> {
    const plan = planTasks(entries);
    const skipped = { ...plan.skipped };
    if (plan.tasks.length === 0) return { created: 0, heldOut: 0, skipped };

    const found = await this.readAccounts(em, plan.tasks);
    const dueIn = requireDuration(action.dueIn, 'action.dueIn');
    const rows: NewTask[] = [];
    for (const planned of plan.tasks) {
      const account = found.get(planned.dedupeKey);
      if (!account) {
        // The account was deleted since the entry was made: nobody owns the task.
        moveSkips(skipped, planned, NO_ACCOUNT);
        continue;
      }
      rows.push(this.newTask(planned, account, action, dueIn));
    }

    const inserted = await this.insert(em, rows);
    let created = 0;
    let heldOut = 0;
    for (const row of rows) {
      const status = inserted.get(row.dedupeKey);
      if (status === 'open') created += 1;
      else if (status === 'held_out') heldOut += 1;
      else addSkips(skipped, { [ACCOUNT_HAS_TASK]: 1 });
    }
    return { created, heldOut, skipped };
  }

  private newTask(
    planned: PlannedTask,
    found: AccountRow,
    action: TaskAction,
    dueIn: Duration,
  ): NewTask {
    const { entry } = planned;
    const event = entry.event
      ? {
          id: entry.event.id,
          type: entry.event.type,
          occurredAt: entry.event.occurredAt,
          properties: entry.event.properties,
        }
      : null;
    return {
      dedupeKey: planned.dedupeKey,
      ruleId: entry.rule.id,
      runId: entry.runId,
      accountId: planned.accountId,
      customerId: entry.customer.id,
      assigneeEmail: normalizeEmail(found.owner_email),
      assigneeName: found.owner_name,
      title: this.titles.render(
        action.title,
        { customer: found.customer, account: found.account, event },
        entry.rule.name,
      ),
      // A task has no time zone: calendar units of `dueIn` are counted in UTC.
      dueAt: addDuration(entry.triggerAt, dueIn, FixedOffsetZone.utcInstance),
      // Held out: a row so the rule's holdout is measurable, never shown to the owner.
      status: entry.group === 'holdout' ? 'held_out' : 'open',
    };
  }

  /** Each planned task's account (and its stakeholder, for the title), by dedupe key. */
  private async readAccounts(
    em: EntityManager,
    tasks: PlannedTask[],
  ): Promise<Map<string, AccountRow>> {
    const rows = await em.query<AccountRow[]>(
      `SELECT p.key, a.owner_email, a.owner_name,
              json_build_object('id', a.external_id, 'name', a.name, 'ownerEmail', a.owner_email,
                'ownerName', a.owner_name, 'attributes', a.attributes) AS account,
              CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.external_id,
                'email', c.email, 'firstName', c.first_name, 'lastName', c.last_name,
                'locale', c.locale, 'timezone', c.timezone, 'attributes', c.attributes,
                'ordersCount', c.orders_count, 'totalSpent', c.total_spent::float,
                'lastOrderAt', c.last_order_at, 'valueTier', c.value_tier,
                'accountId', a.external_id) END AS customer
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS p(key, account_id, customer_id)
         JOIN accounts a ON a.id = p.account_id
         LEFT JOIN customers c ON c.id = p.customer_id`,
      [
        tasks.map((t) => t.dedupeKey),
        tasks.map((t) => t.accountId),
        tasks.map((t) => t.entry.customer.id),
      ],
    );
    return new Map(rows.map((row) => [row.key, row]));
  }

  /** Inserts what is new; returns the status of each task it inserted, by dedupe key. */
  private async insert(em: EntityManager, rows: NewTask[]): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const col = <T>(pick: (r: NewTask) => T) => rows.map(pick);
    const inserted = await em.query<{ dedupe_key: string; status: string }[]>(
      `INSERT INTO tasks (id, dedupe_key, rule_id, run_id, account_id, customer_id, assignee_email,
                          assignee_name, title, due_at, status)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::bigint[],
                            $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[])
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING dedupe_key, status`,
      [
        // Made here: Postgres's gen_random_uuid draws kernel entropy for each row (see uuidV7).
        col(() => randomUUID()),
        col((r) => r.dedupeKey),
        col((r) => r.ruleId),
        col((r) => r.runId),
        col((r) => r.accountId),
        col((r) => r.customerId),
        col((r) => r.assigneeEmail),
        col((r) => r.assigneeName),
        col((r) => r.title),
        col((r) => r.dueAt),
        col((r) => r.status),
      ],
    );
    return new Map(inserted.map((r) => [r.dedupe_key, r.status]));
  }
}

/** A planned task that makes nothing after all: its entries count under `reason` instead. */
function moveSkips(skipped: Record<string, number>, planned: PlannedTask, reason: string) {
  if (planned.others > 0) {
    skipped[ACCOUNT_HAS_TASK] -= planned.others;
    if (skipped[ACCOUNT_HAS_TASK] === 0) delete skipped[ACCOUNT_HAS_TASK];
  }
  addSkips(skipped, { [reason]: 1 + planned.others });
}
