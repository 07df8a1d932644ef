import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CheckInAnswer } from './check-in-answer';

type Query = Pick<EntityManager, 'query'>;

export interface NewCheckIn {
  /** The dedupe key of the message that asks it: asking twice makes one check-in. */
  dedupeKey: string;
  customerId: string;
  orderId: string | null;
  ruleId: string | null;
  source: 'rule' | 'manual';
  note?: string | null;
  requestedBy?: string | null;
  /** Given when the caller needs the id before the row exists (a manual check-in's dedupe key). */
  id?: string;
}

/**
 * Inserts check-ins, one per dedupe key, and returns each key's check-in id — the existing
 * one when the key was there already, so a retried rule job gets the same check-in (and the
 * same links) as the first try. The ids are made here, so the insert answers which keys it
 * stored and only the others are read back: one round trip when all are new.
 */
export async function insertCheckIns(q: Query, rows: NewCheckIn[]): Promise<Map<string, string>> {
  // A key asked twice in one call keeps its first row, as the insert alone would.
  const firsts = new Map<string, NewCheckIn>();
  for (const r of rows) if (!firsts.has(r.dedupeKey)) firsts.set(r.dedupeKey, r);
  rows = [...firsts.values()];
  if (rows.length === 0) return new Map();
  const ids = rows.map((r) => r.id ?? randomUUID());
  const col = <T>(pick: (r: NewCheckIn) => T) => rows.map(pick);
  const stored = await q.query<{ dedupe_key: string }[]>(
    `INSERT INTO check_ins (id, dedupe_key, customer_id, order_id, rule_id, source, note, requested_by)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::uuid[], $6::text[],
                          $7::text[], $8::text[])
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key`,
    [
      ids,
      col((r) => r.dedupeKey),
      col((r) => r.customerId),
      col((r) => r.orderId),
      col((r) => r.ruleId),
      col((r) => r.source),
      col((r) => r.note ?? null),
      col((r) => r.requestedBy ?? null),
    ],
  );
  const inserted = new Set(stored.map((r) => r.dedupe_key));
  const out = new Map<string, string>();
  rows.forEach((r, i) => {
    if (inserted.has(r.dedupeKey)) out.set(r.dedupeKey, ids[i]);
  });
  const existing = rows.filter((r) => !inserted.has(r.dedupeKey)).map((r) => r.dedupeKey);
  if (existing.length > 0) {
    const found = await q.query<{ id: string; dedupe_key: string }[]>(
      'SELECT id, dedupe_key FROM check_ins WHERE dedupe_key = ANY($1::text[])',
      [existing],
    );
    for (const r of found) out.set(r.dedupe_key, r.id);
  }
  return out;
}

/** When the latest check-in about this order (or about no order) of the customer was made. */
export async function latestCheckInAt(
  q: Query,
  customerId: string,
  orderId: string | null,
): Promise<Date | null> {
  const [row] = await q.query<{ at: Date | null }[]>(
    `SELECT max(created_at) AS at FROM check_ins
      WHERE customer_id = $1 AND order_id IS NOT DISTINCT FROM $2::bigint`,
    [customerId, orderId],
  );
  return row?.at ?? null;
}

export interface CheckInRow {
  id: string;
  customerId: string;
  orderId: string | null;
  /** The shop's order id. */
  orderExternalId: string | null;
  answer: CheckInAnswer | null;
  comment: string | null;
  answeredAt: Date | null;
  customerFirstName: string | null;
}

const CHECK_IN_SELECT = `SELECT k.id, k.customer_id AS "customerId", k.order_id AS "orderId",
       o.external_id AS "orderExternalId", k.answer, k.comment, k.answered_at AS "answeredAt",
       c.first_name AS "customerFirstName"
  FROM check_ins k
  JOIN customers c ON c.id = k.customer_id
  LEFT JOIN orders o ON o.id = k.order_id`;

export async function findCheckIn(q: Query, id: string): Promise<CheckInRow | null> {
  const [row] = await q.query<CheckInRow[]>(`${CHECK_IN_SELECT} WHERE k.id = $1`, [id]);
  return row ?? null;
}

/** The check-in, locked until the transaction ends: its answers are recorded one at a time. */
export async function lockCheckIn(q: Query, id: string): Promise<CheckInRow | null> {
  const [row] = await q.query<CheckInRow[]>(`${CHECK_IN_SELECT} WHERE k.id = $1 FOR UPDATE OF k`, [
    id,
  ]);
  return row ?? null;
}

export async function saveAnswer(
  q: Query,
  id: string,
  answer: { answer: CheckInAnswer; comment: string | null; answeredAt: Date },
) {
  await q.query('UPDATE check_ins SET answer = $2, comment = $3, answered_at = $4 WHERE id = $1', [
    id,
    answer.answer,
    answer.comment,
    answer.answeredAt,
  ]);
}

/**
 * How many answers the check-in had before this one, from the `check_in.answered` events
 * it emitted (their ids end in the answer's number). Counted under the check-in's row lock,
 * so two answers at once cannot both be number 1. The events table keeps the ids when a
 * customer is erased, so numbering never restarts.
 */
export async function previousAnswers(q: Query, customerId: string, checkInId: string) {
  const [row] = await q.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM events
      WHERE customer_id = $1 AND type = 'check_in.answered' AND starts_with(id, $2)`,
    [customerId, `check_in.answered.${checkInId}.`],
  );
  return row.n;
}
