import type { EntryEvent } from '../rules/engine/entry';

/**
 * Whether evaluating an event now would do more than mark it seen. The rule engine answers
 * (EventEvaluator); a feature that emits many engine events asks it, so that an event
 * nothing listens to is stored as evaluated instead of costing an `evaluate` job.
 */
export interface EventInterest {
  concerns(event: EntryEvent): Promise<boolean>;
}

export const EVENT_INTEREST = Symbol('EVENT_INTEREST');
