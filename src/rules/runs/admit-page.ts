import { admit, Trigger } from '../engine/admit';
import type { ActiveRule, Entry, EntryCustomer } from '../engine/entry';
import { addSkip, Tally } from '../engine/tally';
import type { AudienceRow } from './audience-query';

/**
 * One page of a run's audience through the engine's gates (value tier, re-entry), holdout and
 * send time — the same `admit` the event path calls, so a rule behaves the same however it is
 * triggered. The conditions were applied by the audience query; `admit` is told so and never
 * reads the facts, which is why none are built here (a million fact objects cost time for
 * nothing).
 */
export function admitPage(
  rule: ActiveRule,
  rows: AudienceRow[],
  trigger: Trigger,
  now: Date,
): { entries: Entry[]; tally: Tally } {
  const tally: Tally = { scheduled: 0, heldOut: 0, skipped: {} };
  const entries: Entry[] = [];
  for (const row of rows) {
    const admission = admit(
      rule,
      {
        customer: entryCustomer(row),
        facts: { customer: null, account: null },
        lastEntryAt: row.last_entry_at,
        event: null,
        order: null,
      },
      trigger,
      now,
      { conditionsChecked: true },
    );
    if ('entry' in admission) entries.push(admission.entry);
    else if (admission.skip) addSkip(tally, admission.skip);
  }
  return { entries, tally };
}

/** The customer as the engine reads it; bigint ids stay strings (the `pg` driver's answer). */
export function entryCustomer(row: AudienceRow): EntryCustomer {
  return {
    id: String(row.id),
    externalId: row.external_id,
    email: row.email,
    timezone: row.timezone,
    locale: row.locale,
    valueTier: row.value_tier,
    accountId: row.account_id === null ? null : String(row.account_id),
  };
}
