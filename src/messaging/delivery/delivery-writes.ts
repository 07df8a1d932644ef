import type { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../../database/prepared-statement';

type Query = Pick<EntityManager, 'query'>;

/** A message the decision allows to go now, as read (`stuck`: found in `sending`, lock run out). */
export interface SendingClaim {
  id: string;
  stuck: boolean;
  now: Date;
}

const TAKE_FOR_SENDING: PreparedStatement = {
  name: 'take-for-sending',
  text: `WITH v AS (
       SELECT * FROM unnest($1::uuid[], $2::boolean[], $3::timestamptz[]) AS v(id, stuck, now)),
     changed AS (
       UPDATE messages m
          SET status = 'sending', attempts = m.attempts + 1, reason = NULL,
              locked_until = v.now + make_interval(secs => $4::double precision / 1000),
              possible_duplicate = m.possible_duplicate OR v.stuck, updated_at = now()
         FROM v
        WHERE m.id = v.id
          AND CASE WHEN v.stuck THEN m.status = 'sending' AND m.locked_until < v.now
                   ELSE m.status = 'scheduled' END
       RETURNING m.id, v.stuck),
     history AS (
       INSERT INTO message_status_changes (message_id, status, reason)
       SELECT id, 'sending', CASE WHEN stuck THEN 'released_after_lock_expired' END FROM changed)
     SELECT id FROM changed`,
};

/**
 * Takes many messages for sending in one statement: each moves to `sending` only from the
 * status it was read in (compare-and-set), with its history row. Returns the ids taken; an
 * id missing from the answer was taken or changed by someone else meanwhile.
 */
export async function takeForSending(
  q: Query,
  claims: readonly SendingClaim[],
  sendingLockMs: number,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = await runPrepared<{ id: string }>(q, TAKE_FOR_SENDING, [
    claims.map((c) => c.id),
    claims.map((c) => c.stuck),
    claims.map((c) => c.now),
    sendingLockMs,
  ]);
  return new Set(rows.map((r) => r.id));
}

/** What the SMTP server answered for a message, and what was rendered. */
export interface SentRecord {
  id: string;
  providerMessageId: string;
  subject: string;
  templateVersion: number;
  /**
   * Nothing listens to this `message.sent` (EventEvaluator.concerns): its event row is
   * stored as evaluated, and no `evaluate` job is queued for it.
   */
  eventSettled: boolean;
}

const RECORD_SENT: PreparedStatement = {
  name: 'record-sent',
  text: `WITH v AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::boolean[])
                AS v(id, provider_message_id, subject, template_version, event_settled)),
     sent AS (
       UPDATE messages m
          SET status = 'sent', sent_at = now(), provider_message_id = v.provider_message_id,
              subject = v.subject, template_version = v.template_version, locked_until = NULL,
              reason = NULL, last_error = NULL, updated_at = now()
         FROM v
        WHERE m.id = v.id AND m.status = 'sending'
       RETURNING m.id, m.customer_id, m.module, m.kind, m.rule_id, v.provider_message_id,
                 v.event_settled),
     history AS (
       INSERT INTO message_status_changes (message_id, status, detail)
       SELECT id, 'sent', provider_message_id FROM sent),
     event AS (
       INSERT INTO events (id, type, customer_id, occurred_at, properties, source,
                           enqueued_at, evaluated_at, evaluation_count)
       SELECT 'message-sent.' || id, 'message.sent', customer_id, now(),
              jsonb_build_object('messageId', id, 'module', module, 'kind', kind, 'ruleId', rule_id), 'engine',
              CASE WHEN event_settled THEN now() END, CASE WHEN event_settled THEN now() END,
              CASE WHEN event_settled THEN 1 ELSE 0 END
         FROM sent WHERE customer_id IS NOT NULL
       ON CONFLICT (id) DO NOTHING)
     SELECT id FROM sent`,
};

/**
 * Records many sends in one statement: each message `sending` → `sent`, its history row and
 * the engine's `message.sent` event (the row EngineEvents.insert would write). Returns the
 * ids recorded; one missing was released as stuck while it was being sent, and the other
 * attempt records its own outcome.
 */
export async function recordSent(q: Query, records: readonly SentRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const rows = await runPrepared<{ id: string }>(q, RECORD_SENT, [
    records.map((r) => r.id),
    records.map((r) => r.providerMessageId),
    records.map((r) => r.subject),
    records.map((r) => r.templateVersion),
    records.map((r) => r.eventSettled),
  ]);
  return new Set(rows.map((r) => r.id));
}

/**
 * One answer per key, in order, for a batch that may hold the same message twice: only its
 * first occurrence can have been the one that changed it, so later ones answer false.
 */
export function answersInOrder(ids: readonly string[], changed: Set<string>): boolean[] {
  const seen = new Set<string>();
  return ids.map((id) => {
    const first = !seen.has(id);
    seen.add(id);
    return first && changed.has(id);
  });
}
