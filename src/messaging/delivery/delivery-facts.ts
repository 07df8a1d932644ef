import { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../../database/prepared-statement';
import type { DeliveryFacts } from '../policy/delivery-decision';
import type { FrequencyCap } from '../policy/frequency-cap';
import type { LocalWindow } from '../policy/quiet-hours';

/** The message row as the delivery worker reads it, with what it needs of its customer. */
export interface MessageToDeliver {
  id: string;
  status: string;
  customer_id: string | null;
  recipient: string | null;
  module: string;
  kind: string;
  class: 'service' | 'marketing';
  priority: number;
  rule_id: string | null;
  goal_event: string | null;
  template_key: string;
  context: Record<string, unknown>;
  send_at: Date;
  window_start: string | null;
  window_end: string | null;
  expires_at: Date | null;
  locked_until: Date | null;
  attempts: number;
  created_at: Date;
  c_email: string | null;
  c_erased: boolean | null;
  c_consent: boolean | null;
  c_timezone: string | null;
  /** The customer as templates see it (`customer` in the context), with `account`. */
  c_profile: Record<string, unknown> | null;
  c_account: Record<string, unknown> | null;
}

const MESSAGE_COLUMNS = `m.id, m.status, m.customer_id, m.recipient, m.module, m.kind, m.class, m.priority,
  m.rule_id, m.goal_event, m.template_key, m.context, m.send_at, m.window_start, m.window_end,
  m.expires_at, m.locked_until, m.attempts, m.created_at`;

const CUSTOMER_COLUMNS = `c.email AS c_email, c.erased_at IS NOT NULL AS c_erased,
  c.marketing_consent AS c_consent, c.timezone AS c_timezone,
  json_build_object('id', c.external_id, 'email', c.email, 'firstName', c.first_name,
    'lastName', c.last_name, 'locale', c.locale, 'timezone', c.timezone, 'attributes', c.attributes,
    'ordersCount', c.orders_count, 'totalSpent', c.total_spent::float, 'lastOrderAt', c.last_order_at,
    'valueTier', c.value_tier) AS c_profile,
  CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.external_id, 'name', a.name,
    'ownerEmail', a.owner_email, 'ownerName', a.owner_name, 'attributes', a.attributes) END AS c_account`;

/** What the facts query adds to the message row. */
interface FactColumns {
  suppression: 'all' | 'marketing' | null;
  open_case: boolean;
  goal_met: boolean;
  recent: Date[];
  competing: boolean;
}

export type MessageWithFacts = MessageToDeliver & FactColumns;

const READ_FOR_DELIVERY: PreparedStatement = {
  name: 'read-for-delivery',
  text: `SELECT ${MESSAGE_COLUMNS}, ${CUSTOMER_COLUMNS},
       (SELECT CASE WHEN bool_or(s.scope = 'all') THEN 'all' WHEN count(*) > 0 THEN 'marketing' END
          FROM suppressions s
         WHERE s.email_hash = encode(sha256(convert_to(lower(btrim(COALESCE(m.recipient, c.email))), 'UTF8')), 'hex')
       ) AS suppression,
       (m.customer_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM cases k WHERE k.customer_id = m.customer_id AND k.status = 'open')) AS open_case,
       (m.goal_event IS NOT NULL AND EXISTS (
          SELECT 1 FROM events e WHERE e.customer_id = m.customer_id AND e.type = m.goal_event
             AND e.occurred_at >= m.created_at)) AS goal_met,
       ARRAY(SELECT COALESCE(o.sent_at, o.updated_at) FROM messages o
              WHERE o.customer_id = m.customer_id AND o.class = 'marketing' AND o.id <> m.id
                AND ((o.sent_at IS NULL AND o.status = 'sending')
                     OR (o.status = 'sent' AND o.sent_at > $2::timestamptz - make_interval(secs => $3::double precision / 1000)))
       ) AS recent,
       (m.class = 'marketing' AND EXISTS (
          SELECT 1 FROM messages o WHERE o.customer_id = m.customer_id AND o.class = 'marketing'
             AND o.sent_at IS NULL AND o.status = 'scheduled' AND o.send_at <= $2
             AND o.priority > m.priority AND o.id <> m.id)) AS competing
     FROM messages m
     LEFT JOIN customers c ON c.id = m.customer_id
     LEFT JOIN accounts a ON a.id = c.account_id
    WHERE m.id = ANY($1::uuid[])`,
};

/**
 * Messages (those that exist, in no order), each with its customer and everything that may
 * have changed since it was scheduled, in one round trip.
 *
 * Only a sent message has `sent_at`, so "in flight" and "scheduled" are asked for with
 * `sent_at IS NULL`: with the index on (customer_id, class, sent_at), the cap's look at a
 * customer's sends reads their unsent messages and their sends within the window, not every
 * marketing message they ever had.
 *
 * It takes no locks: a capped claim locks the customers first and reads after
 * (DeliveryService). The suppression is looked up by the SHA-256 of the trimmed, lower-cased
 * address, computed in SQL exactly as `emailHash` does in code.
 */
export function readManyForDelivery(
  q: Pick<EntityManager, 'query'>,
  ids: readonly string[],
  now: Date,
  capWindowMs: number,
): Promise<MessageWithFacts[]> {
  return runPrepared<MessageWithFacts>(q, READ_FOR_DELIVERY, [ids, now, capWindowMs]);
}

/**
 * Locks the customers of these messages' marketing ones (FOR NO KEY UPDATE, in id order), so
 * a customer's capped deliveries take turns and the cap is counted and claimed atomically.
 * Read the facts after this, in the same transaction: that read then sees every claim that
 * committed before ours.
 *
 * The customers of `waitFor` are waited for; the others are locked only if no other
 * transaction holds them (SKIP LOCKED), and their messages are handed back: an ingestion
 * batch holds hundreds of customers while it writes their orders, and a batch of claims that
 * queued behind it would hold up every claim of its worker. Both in id order, and the second
 * never waits, so the two cannot deadlock. Answers the customers locked.
 */
export async function lockMarketingCustomers(
  q: Pick<EntityManager, 'query'>,
  ids: readonly string[],
  waitFor: readonly string[],
): Promise<Set<string>> {
  const customersOf = `SELECT customer_id FROM messages
     WHERE id = ANY($1::uuid[]) AND class = 'marketing' AND customer_id IS NOT NULL`;
  const locked = new Set<string>();
  if (waitFor.length > 0) {
    const rows = await q.query<{ id: string }[]>(
      `SELECT id::text AS id FROM customers WHERE id IN (${customersOf})
        ORDER BY id FOR NO KEY UPDATE`,
      [waitFor],
    );
    for (const row of rows) locked.add(row.id);
  }
  const rows = await q.query<{ id: string }[]>(
    `SELECT id::text AS id FROM customers WHERE id IN (${customersOf})
      ORDER BY id FOR NO KEY UPDATE SKIP LOCKED`,
    [ids],
  );
  for (const row of rows) locked.add(row.id);
  return locked;
}

/** The address the message goes to: an explicit recipient, else the customer's email. */
export const recipientOf = (m: MessageToDeliver) => m.recipient ?? m.c_email;

/** The facts the pure decision reads, from the row `readManyForDelivery` returned. */
export function deliveryFacts(
  m: MessageWithFacts,
  now: Date,
  policy: { quietHours: LocalWindow | null; cap: FrequencyCap | null },
): DeliveryFacts {
  return {
    now,
    message: {
      class: m.class,
      priority: m.priority,
      sendAt: m.send_at,
      expiresAt: m.expires_at,
      windowStart: m.window_start,
      windowEnd: m.window_end,
    },
    customer:
      m.customer_id === null
        ? null
        : { erased: !!m.c_erased, marketingConsent: !!m.c_consent, timezone: m.c_timezone },
    suppression: m.suppression,
    openCase: m.open_case,
    goalMet: m.goal_met,
    quietHours: policy.quietHours,
    cap: policy.cap,
    recentMarketingSends: m.recent.map((d) => new Date(d)),
    competingHigherPriorityDue: m.competing,
  };
}
