import { EntityManager } from 'typeorm';
import { emailHash } from '../../customers/email-hash';
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
    'ordersCount', c.orders_count, 'totalSpent', c.total_spent::float, 'lastOrderAt', c.last_order_at) AS c_profile,
  CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.external_id, 'name', a.name,
    'ownerEmail', a.owner_email, 'ownerName', a.owner_name, 'attributes', a.attributes) END AS c_account`;

/**
 * Locks the message row and, for a message about a customer, the customer's row too (FOR NO
 * KEY UPDATE): one customer's deliveries take turns, so the frequency cap is counted and
 * claimed atomically. One round trip in the common case. Null when there is no such message.
 */
export async function lockMessage(em: EntityManager, id: string): Promise<MessageToDeliver | null> {
  const [withCustomer] = await em.query<MessageToDeliver[]>(
    `SELECT ${MESSAGE_COLUMNS}, ${CUSTOMER_COLUMNS}
       FROM messages m JOIN customers c ON c.id = m.customer_id LEFT JOIN accounts a ON a.id = c.account_id
      WHERE m.id = $1
      FOR UPDATE OF m FOR NO KEY UPDATE OF c`,
    [id],
  );
  if (withCustomer) return withCustomer;
  const [alone] = await em.query<MessageToDeliver[]>(
    `SELECT ${MESSAGE_COLUMNS}, NULL AS c_email, NULL AS c_erased, NULL AS c_consent, NULL AS c_timezone,
            NULL AS c_profile, NULL AS c_account
       FROM messages m WHERE m.id = $1 AND m.customer_id IS NULL FOR UPDATE OF m`,
    [id],
  );
  return alone ?? null;
}

/** The address the message goes to: an explicit recipient, else the customer's email. */
export const recipientOf = (m: MessageToDeliver) => m.recipient ?? m.c_email;

/**
 * Everything that may have changed since the message was scheduled, read in one round trip
 * inside the delivery transaction, after the locks are held (so it sees every claim that
 * committed before ours).
 */
export async function loadDeliveryFacts(
  em: EntityManager,
  m: MessageToDeliver,
  now: Date,
  policy: { quietHours: LocalWindow | null; cap: FrequencyCap | null },
): Promise<DeliveryFacts> {
  const address = recipientOf(m);
  const capWindowMs = policy.cap?.windowMs ?? 0;
  const [row] = await em.query<
    {
      suppression: 'all' | 'marketing' | null;
      open_case: boolean;
      goal_met: boolean;
      recent: Date[];
      competing: boolean;
    }[]
  >(
    `SELECT
       (SELECT CASE WHEN bool_or(scope = 'all') THEN 'all' WHEN count(*) > 0 THEN 'marketing' END
          FROM suppressions WHERE email_hash = $2) AS suppression,
       ($1::bigint IS NOT NULL AND EXISTS (
          SELECT 1 FROM cases WHERE customer_id = $1 AND status = 'open')) AS open_case,
       ($3::text IS NOT NULL AND EXISTS (
          SELECT 1 FROM events WHERE customer_id = $1 AND type = $3 AND occurred_at >= $4)) AS goal_met,
       ARRAY(SELECT COALESCE(sent_at, updated_at) FROM messages
              WHERE $1::bigint IS NOT NULL AND customer_id = $1 AND class = 'marketing' AND id <> $5
                AND (status = 'sending'
                     OR (status = 'sent' AND sent_at > $6::timestamptz - make_interval(secs => $7::double precision / 1000)))
       ) AS recent,
       ($1::bigint IS NOT NULL AND $9 = 'marketing' AND EXISTS (
          SELECT 1 FROM messages WHERE customer_id = $1 AND class = 'marketing' AND status = 'scheduled'
             AND send_at <= $6 AND priority > $8 AND id <> $5)) AS competing`,
    [
      m.customer_id,
      address ? emailHash(address) : '',
      m.goal_event,
      m.created_at,
      m.id,
      now,
      capWindowMs,
      m.priority,
      m.class,
    ],
  );
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
    suppression: row.suppression,
    openCase: row.open_case,
    goalMet: row.goal_met,
    quietHours: policy.quietHours,
    cap: policy.cap,
    recentMarketingSends: row.recent.map((d) => new Date(d)),
    competingHigherPriorityDue: row.competing,
  };
}
