import type { ConditionFacts } from '../conditions/evaluate-condition';
import { evaluateCondition } from '../conditions/evaluate-condition';
import {
  isHeldOut,
  reentryDecision,
  reentryOccurrence,
  sendTime,
  valueTierGate,
} from '../eligibility';
import type { ActiveRule, Entry, EntryCustomer, EntryEvent, EntryOrder } from './entry';

/** A customer who might enter a rule at one trigger occurrence, with what the gates read. */
export interface Candidate {
  customer: EntryCustomer;
  /** What conditions read (customer, account, and for event rules event and order). */
  facts: ConditionFacts;
  /** When this customer last entered this rule (any message or task of it), if ever. */
  lastEntryAt: Date | null;
  event: EntryEvent | null;
  order: EntryOrder | null;
}

export interface Trigger {
  /** The event id, or the run id. */
  occurrence: string;
  triggerAt: Date;
  runId: string | null;
}

/** `skip: null`: the conditions did not match — not an entry, not counted. */
export type Admission = { entry: Entry } | { skip: string | null };

/**
 * Whether a customer enters a rule now, and if so how: the gates in order — conditions,
 * value tier, re-entry — then holdout membership and send time. Pure: the engine's event
 * path and the audience runs both call it, so a rule behaves the same however triggered.
 * Audience runs already filtered by the conditions in SQL and pass `conditionsChecked`.
 */
export function admit(
  rule: ActiveRule,
  candidate: Candidate,
  trigger: Trigger,
  now: Date,
  options: { conditionsChecked?: boolean } = {},
): Admission {
  const def = rule.definition;
  if (
    !options.conditionsChecked &&
    def.conditions &&
    !evaluateCondition(def.conditions, candidate.facts, now)
  ) {
    return { skip: null };
  }
  const tier = valueTierGate(
    rule.module,
    candidate.customer.valueTier,
    def.includeUnprofitable === true,
  );
  if (!tier.pass) return { skip: tier.reason };

  const reentry = reentryDecision(def.reentry, candidate.lastEntryAt, trigger.triggerAt);
  if (!reentry.enter) return { skip: reentry.reason };

  const occurrence = reentryOccurrence(def.reentry, rule.id, trigger.occurrence);
  return {
    entry: {
      rule,
      customer: candidate.customer,
      occurrence: trigger.occurrence,
      dedupeKey: entryDedupeKey(rule.id, candidate.customer.id, occurrence),
      triggerAt: trigger.triggerAt,
      sendAt: sendTime({
        triggerAt: trigger.triggerAt,
        delay: def.delay ?? null,
        timezone: candidate.customer.timezone,
        sendWindow: def.sendWindow ?? null,
      }),
      group: isHeldOut(rule.id, candidate.customer.id, def.holdoutPercent) ? 'holdout' : 'treated',
      runId: trigger.runId,
      event: candidate.event,
      order: candidate.order,
    },
  };
}

/** One entry per (rule, customer, occurrence); `once` rules pass the occurrence `once`. */
export const entryDedupeKey = (ruleId: string, customerId: string, occurrence: string) =>
  `rule.${ruleId}.${customerId}.${occurrence}`;
