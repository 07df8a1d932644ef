import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DeliverQueue } from '../delivery/deliver-queue';
import { MessageRequest, ScheduledMessage } from './message-request';
import { recordStatusChanges } from './message-history';
import { insertOptimistically } from '../../database/optimistic-insert';
import { messageInsertParams } from './message-insert-params';

/**
 * Schedules messages for the modules, one or a hundred thousand at a time, idempotently: a
 * request whose dedupe key exists already is answered with the existing message.
 * `insert` works inside the caller's transaction; `enqueue` runs after it commits.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly db: DataSource,
    private readonly deliverQueue: DeliverQueue,
  ) {}

  /** Inserts and queues in one go, for callers with no transaction of their own. */
  async schedule(requests: MessageRequest[]): Promise<ScheduledMessage[]> {
    const scheduled = await this.db.transaction((em) => this.insert(em, requests));
    await this.enqueue(scheduled);
    return scheduled;
  }

  async insert(em: EntityManager, requests: MessageRequest[]): Promise<ScheduledMessage[]> {
    const out: ScheduledMessage[] = [];
    for (let i = 0; i < requests.length; i += 1000) {
      out.push(...(await this.insertPage(em, requests.slice(i, i + 1000))));
    }
    return out;
  }

  /** Queues the new, scheduled ones; held-out rows and existing messages need no job. */
  enqueue(messages: ScheduledMessage[]) {
    return this.deliverQueue.enqueue(
      messages
        .filter((m) => m.created && m.status === 'scheduled')
        .map((m) => ({ id: m.id, sendAt: m.sendAt })),
    );
  }

  /**
   * A customer's support case was resolved: marketing held for it may go now (each message
   * is still re-checked — consent, cap, quiet hours, expiry — when its job runs).
   */
  async releaseHeldForCase(customerId: string): Promise<number> {
    const released = await this.db.transaction(async (em) => {
      const rows = await em.query<{ id: string }[]>(
        // A top-level UPDATE … RETURNING comes back from TypeORM as [rows, count]; a CTE gives rows.
        `WITH released AS (
           UPDATE messages SET send_at = now(), reason = NULL, updated_at = now()
            WHERE customer_id = $1 AND status = 'scheduled' AND reason = 'open_case'
            RETURNING id)
         SELECT id FROM released`,
        [customerId],
      );
      await recordStatusChanges(
        em,
        rows.map((r) => ({ messageId: r.id, status: 'scheduled', reason: 'case_resolved' })),
      );
      return rows.map((r) => r.id);
    });
    await this.deliverQueue.releaseNow(released);
    return released.length;
  }

  private async insertPage(em: EntityManager, page: MessageRequest[]): Promise<ScheduledMessage[]> {
    if (page.length === 0) return [];
    // The first history row of each new message is written by the same statement (one round
    // trip less per page). Ids are made here (uuidV7): time-ordered, so a run's inserts go to
    // the right edge of the primary-key index, and known before the insert, so a plain insert
    // that succeeded made every row as asked and needs to send nothing back (reading a
    // thousand rows back cost Postgres and the worker a tenth of a page's time).
    const { ids, params } = messageInsertParams(page);
    const created = await insertOptimistically(em, ids, (onConflictDoNothing) =>
      em.query<{ id: string }[]>(
        `WITH inserted AS (
         INSERT INTO messages (id, dedupe_key, customer_id, recipient, module, kind, class, priority,
                               template_key, context, send_at, window_start, window_end, expires_at,
                               rule_id, goal_event, status)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                              $7::text[], $8::int[], $9::text[], $10::jsonb[], $11::timestamptz[], $12::text[],
                              $13::text[], $14::timestamptz[], $15::uuid[], $16::text[], $17::text[])
         ${onConflictDoNothing ? 'ON CONFLICT (dedupe_key) DO NOTHING' : ''}
         RETURNING id, status),
       history AS (
         INSERT INTO message_status_changes (message_id, status) SELECT id, status FROM inserted)
       SELECT id FROM inserted ${onConflictDoNothing ? '' : 'LIMIT 0'}`,
        params,
      ),
    );
    // A key asked for twice in one page made one message: the first request's row went in,
    // the second one's met it and is answered with it, as a key that existed before.
    const missing = page.filter((_, i) => !created.has(ids[i])).map((r) => r.dedupeKey);
    const existing = missing.length
      ? await em.query<{ id: string; dedupe_key: string; status: string; send_at: Date }[]>(
          'SELECT id, dedupe_key, status, send_at FROM messages WHERE dedupe_key = ANY($1)',
          [missing],
        )
      : [];
    const found = new Map(existing.map((row) => [row.dedupe_key, row]));
    return page.map((r, i): ScheduledMessage => {
      if (created.has(ids[i])) {
        const status = r.status ?? 'scheduled';
        return { id: ids[i], dedupeKey: r.dedupeKey, status, sendAt: r.sendAt, created: true };
      }
      const row = found.get(r.dedupeKey)!;
      return {
        id: row.id,
        dedupeKey: row.dedupe_key,
        status: row.status,
        sendAt: row.send_at,
        created: false,
      };
    });
  }
}
