import { EntityManager } from 'typeorm';
import { emailHash } from '../../customers/email-hash';
import type { DeliveryFacts } from '../policy/delivery-decision';
import type { FrequencyCap } from '../policy/frequency-cap';
import type { LocalWindow } from '../policy/quiet-hours';

/** The message row as the delivery worker reads it, with its customer. */
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
}

/** Locks the message row; null when it does not exist. */
export async function lockMessage(em: EntityManager, id: string): Promise<MessageToDeliver | null> {
  const [row] = await em.query<MessageToDeliver[]>(
    `SELECT m.id, m.status, m.customer_id, m.recipient, m.module, m.kind, m.class, m.priority, m.rule_id,
            m.goal_event, m.template_key, m.context, m.send_at, m.window_start, m.window_end, m.expires_at,
            m.locked_until, m.attempts, m.created_at,
            c.email AS c_email, c.erased_at IS NOT NULL AS c_erased, c.marketing_consent AS c_consent,
            c.timezone AS c_timezone
       FROM messages m LEFT JOIN customers c ON c.id = m.customer_id
      WHERE m.id = $1
      FOR UPDATE OF m`,
    [id],
  );
  return row ?? null;
}

/** The address the message goes to: an explicit recipient, else the customer's email. */
export const recipientOf = (m: MessageToDeliver) => m.recipient ?? m.c_email;

/**
 * Everything that may have changed since the message was scheduled, read in one round trip
 * inside the delivery transaction. The caller holds the customer's row lock, so two workers
 * cannot both count the same free slot of the frequency cap.
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
                AND (status = 'sending' OR (status = 'sent' AND sent_at > $6::timestamptz - make_interval(secs => $7::double precision / 1000)))
       ) AS recent,
       ($1::bigint IS NOT NULL AND EXISTS (
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
