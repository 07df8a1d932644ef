import { EntityManager } from 'typeorm';

export interface StatusChange {
  messageId: string;
  status: string;
  reason?: string | null;
  detail?: string | null;
}

/** Appends to the messages' history, in the caller's transaction. */
export async function recordStatusChanges(em: EntityManager, changes: StatusChange[]) {
  if (changes.length === 0) return;
  await em.query(
    `INSERT INTO message_status_changes (message_id, status, reason, detail)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [
      changes.map((c) => c.messageId),
      changes.map((c) => c.status),
      changes.map((c) => c.reason ?? null),
      changes.map((c) => c.detail ?? null),
    ],
  );
}
