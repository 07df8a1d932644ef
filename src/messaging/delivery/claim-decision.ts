import { decideDelivery, DeliveryDecision } from '../policy/delivery-decision';
import type { FrequencyCap } from '../policy/frequency-cap';
import type { LocalWindow } from '../policy/quiet-hours';
import { deliveryFacts, MessageWithFacts, recipientOf } from './delivery-facts';

/** What a claim decided for a message it read, before anything is written. */
export interface DecidedClaim {
  decision: DeliveryDecision;
  /** Where it goes; null when the customer was erased (the decision is then a cancel). */
  address: string | null;
  /** Found in `sending` with its lock run out: a send now may be a second one. */
  stuck: boolean;
}

/** The delivery decision for a message read with its facts, under the configured policy. */
export function decideClaim(
  message: MessageWithFacts,
  now: Date,
  policy: { quietHours: LocalWindow | null; cap: FrequencyCap | null },
): DecidedClaim {
  const address = recipientOf(message);
  const staffRecipient = message.recipient !== null;
  const facts = deliveryFacts(message, now, {
    // Notices to staff (support desk, sales rep) are not bound by the customer's night.
    quietHours: staffRecipient ? null : policy.quietHours,
    cap: policy.cap,
  });
  if (staffRecipient && facts.customer) facts.customer.timezone = null;
  return {
    decision: address === null ? { action: 'cancel', reason: 'erased' } : decideDelivery(facts),
    address,
    stuck: message.status === 'sending',
  };
}

/**
 * Splits a batch of capped claims into the one marketing message per customer it decides now
 * and the others, which wait for the next batch: a customer's messages read together would
 * each see the cap as it was before any of them, and two could take the same last slot. The
 * one that goes first is the one a single claim would let through first: highest priority,
 * then the earliest due, then the oldest. Service messages, which the cap does not count, and
 * messages whose customer was erased meanwhile stand alone.
 */
export function oneMessagePerCustomer<
  T extends Pick<
    MessageWithFacts,
    'id' | 'class' | 'customer_id' | 'priority' | 'send_at' | 'created_at'
  >,
>(rows: readonly T[]): { first: T[]; later: T[] } {
  const ordered = [...rows].sort(
    (a, b) =>
      b.priority - a.priority ||
      a.send_at.getTime() - b.send_at.getTime() ||
      a.created_at.getTime() - b.created_at.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const customers = new Set<string>();
  const first: T[] = [];
  const later: T[] = [];
  for (const row of ordered) {
    const key =
      row.class === 'marketing' && row.customer_id !== null ? row.customer_id : `message:${row.id}`;
    if (customers.has(key)) later.push(row);
    else {
      customers.add(key);
      first.push(row);
    }
  }
  return { first, later };
}
