import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

type Query = Pick<EntityManager, 'query'>;

export type CaseStatus = 'open' | 'resolved';

/** A case as the API shows it: the shop's ids for customer and order. */
export interface CaseView {
  id: string;
  customerId: string;
  orderId: string | null;
  checkInId: string | null;
  status: CaseStatus;
  comment: string | null;
  resolution: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
}

/** A case with what its events and the release of held marketing need. */
export interface CaseRow extends CaseView {
  internalCustomerId: string;
  /** created_at to the microsecond: a cursor must not lose the rows of its last millisecond. */
  cursorAt: string;
}

export const CASE_SELECT = `SELECT k.id, c.external_id AS "customerId", o.external_id AS "orderId",
       k.check_in_id AS "checkInId", k.status, k.comment, k.resolution, k.opened_at AS "openedAt",
       k.resolved_at AS "resolvedAt", k.customer_id AS "internalCustomerId",
       to_char(k.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
  FROM cases k
  JOIN customers c ON c.id = k.customer_id
  LEFT JOIN orders o ON o.id = k.order_id`;

export const caseView = (row: CaseRow): CaseView => ({
  id: row.id,
  customerId: row.customerId,
  orderId: row.orderId,
  checkInId: row.checkInId,
  status: row.status,
  comment: row.comment,
  resolution: row.resolution,
  openedAt: row.openedAt,
  resolvedAt: row.resolvedAt,
});

export async function findCase(
  q: Query,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<CaseRow | null> {
  const [row] = await q.query<CaseRow[]>(
    `${CASE_SELECT} WHERE k.id = $1${opts.lock ? ' FOR UPDATE OF k' : ''}`,
    [id],
  );
  return row ?? null;
}

export async function openCaseOfCheckIn(q: Query, checkInId: string): Promise<string | null> {
  const [row] = await q.query<{ id: string }[]>(
    `SELECT id FROM cases WHERE check_in_id = $1 AND status = 'open' LIMIT 1`,
    [checkInId],
  );
  return row?.id ?? null;
}

export async function insertCase(
  q: Query,
  c: {
    customerId: string;
    orderId: string | null;
    checkInId: string;
    comment: string | null;
    openedAt: Date;
  },
): Promise<string> {
  const id = randomUUID();
  await q.query(
    `INSERT INTO cases (id, customer_id, order_id, check_in_id, status, comment, opened_at)
     VALUES ($1, $2, $3, $4, 'open', $5, $6)`,
    [id, c.customerId, c.orderId, c.checkInId, c.comment, c.openedAt],
  );
  return id;
}

export async function updateCaseComment(q: Query, id: string, comment: string) {
  await q.query('UPDATE cases SET comment = $2 WHERE id = $1', [id, comment]);
}

export async function markResolved(q: Query, id: string, resolution: string, at: Date) {
  await q.query(
    `UPDATE cases SET status = 'resolved', resolution = $2, resolved_at = $3 WHERE id = $1`,
    [id, resolution, at],
  );
}

export async function hasOpenCase(q: Query, customerId: string): Promise<boolean> {
  const [row] = await q.query<{ open: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM cases WHERE customer_id = $1 AND status = 'open') AS open`,
    [customerId],
  );
  return row.open;
}
