import type { Entry } from '../../rules/engine/entry';

/**
 * Which entries of a task rule make a task. A task is about an account, not a person: when
 * three stakeholders of one account match, the account's owner gets one task, not three.
 * Pure, so the rule "one task per (rule, account, occurrence)" is tested without a database.
 */

/** One task to make: the account, and the stakeholder whose entry stands for it. */
export interface PlannedTask {
  /** `task.<ruleId>.<accountId>.<occurrence>`: unique in `tasks`, so a retry or a later page makes none. */
  dedupeKey: string;
  /** Internal account id. */
  accountId: string;
  /** The stakeholder with the lowest internal id: the same one whatever the order of the entries. */
  entry: Entry;
  /** How many entries of the same account this task also stands for. */
  others: number;
}

export interface TaskPlan {
  tasks: PlannedTask[];
  /** Entries that make no task, by reason. */
  skipped: Record<string, number>;
}

/** Entries of an account that already has (or is getting) its task for this occurrence. */
export const ACCOUNT_HAS_TASK = 'account_has_task';
/** The customer is not a stakeholder of any account: nobody owns them. */
export const NO_ACCOUNT = 'no_account';

export const taskDedupeKey = (ruleId: string, accountId: string, occurrence: string) =>
  `task.${ruleId}.${accountId}.${occurrence}`;

/** Internal ids are bigint strings: compare them as numbers, not as text ("10" > "9"). */
const lowerId = (a: string, b: string) => (BigInt(a) < BigInt(b) ? a : b);

export function planTasks(entries: readonly Entry[]): TaskPlan {
  const skipped: Record<string, number> = {};
  const byKey = new Map<string, PlannedTask>();
  for (const entry of entries) {
    const accountId = entry.customer.accountId;
    if (accountId === null) {
      skipped[NO_ACCOUNT] = (skipped[NO_ACCOUNT] ?? 0) + 1;
      continue;
    }
    const dedupeKey = taskDedupeKey(entry.rule.id, accountId, entry.occurrence);
    const planned = byKey.get(dedupeKey);
    if (!planned) {
      byKey.set(dedupeKey, { dedupeKey, accountId, entry, others: 0 });
      continue;
    }
    planned.others += 1;
    if (lowerId(planned.entry.customer.id, entry.customer.id) === entry.customer.id) {
      planned.entry = entry;
    }
  }
  const tasks = [...byKey.values()];
  const others = tasks.reduce((sum, t) => sum + t.others, 0);
  if (others > 0) skipped[ACCOUNT_HAS_TASK] = others;
  return { tasks, skipped };
}

/** Adds counts of `more` into `into` (skip reasons from several steps). */
export function addSkips(into: Record<string, number>, more: Record<string, number>) {
  for (const [reason, n] of Object.entries(more)) into[reason] = (into[reason] ?? 0) + n;
  return into;
}
