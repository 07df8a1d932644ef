import { JobsOptions, Queue } from 'bullmq';
import { redisOptions } from '../../../src/common/redis/redis-options';
import { messageInsertParams } from '../../../src/messaging/messages/message-insert-params';
import type { MessageRequest } from '../../../src/messaging/messages/message-request';
import { ourPostgres, Timed, timedChunks, withPool } from './ceilings';

/**
 * What Postgres and Redis manage on their own for the scheduling path of MessagesService:
 * the multi-row message insert, its history rows, and the delayed `deliver` jobs, run
 * straight from here. The statements copy MessagesService.insertPage and recordStatusChanges:
 * keep them in step when the service changes how it writes.
 */

/**
 * The service's INSERT as it runs when no key is taken (see insertOptimistically: a plain
 * INSERT, no ON CONFLICT), without the RETURNING it needs to answer its callers.
 */
const INSERT_MESSAGES = `INSERT INTO messages (id, dedupe_key, customer_id, recipient, module, kind, class, priority,
                         template_key, context, send_at, window_start, window_end, expires_at,
                         rule_id, goal_event, status)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                        $7::text[], $8::int[], $9::text[], $10::jsonb[], $11::timestamptz[], $12::text[],
                        $13::text[], $14::timestamptz[], $15::uuid[], $16::text[], $17::text[])`;

const INSERT_HISTORY = `INSERT INTO message_status_changes (message_id, status, reason, detail)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`;

/** One multi-row statement per page, `concurrency` at a time. */
function rawStatements<T>(
  databaseUrl: string,
  pages: T[],
  concurrency: number,
  statement: (page: T) => { text: string; values: unknown[] },
): Promise<Timed> {
  return withPool(databaseUrl, concurrency, async (pool) => {
    let count = 0;
    const timed = await timedChunks(
      pages,
      concurrency,
      async (page) => {
        const { text, values } = statement(page);
        // Not `count += await …`: that reads `count` before the await and loses the others' rows.
        const result = await pool.query(text, values);
        count += result.rowCount ?? 0;
      },
      ourPostgres(pool),
    );
    return { count, ...timed };
  });
}

export const rawInsertMessages = (
  databaseUrl: string,
  pages: MessageRequest[][],
  concurrency: number,
) =>
  rawStatements(databaseUrl, pages, concurrency, (page) => ({
    text: INSERT_MESSAGES,
    values: messageInsertParams(page).params,
  }));

/** A `scheduled` history row per message, as the service records with every insert. */
export const rawInsertHistory = (databaseUrl: string, idPages: string[][], concurrency: number) =>
  rawStatements(databaseUrl, idPages, concurrency, (ids) => ({
    text: INSERT_HISTORY,
    values: [ids, ids.map(() => 'scheduled'), ids.map(() => null), ids.map(() => null)],
  }));

export interface DeliverJob {
  name: string;
  data: object;
  opts: JobsOptions;
}

/** BullMQ addBulk of delayed `deliver`-shaped jobs, on a queue of its own that no worker reads. */
export async function rawAddDeliverJobs(
  redisUrl: string,
  prefix: string,
  pages: DeliverJob[][],
  concurrency: number,
): Promise<Timed> {
  const queue = new Queue('bench-ceiling-deliver', {
    connection: redisOptions(redisUrl, 'producer'),
    prefix,
  });
  let lastError: Error | undefined;
  queue.on('error', (error) => (lastError = error));
  try {
    await queue.waitUntilReady();
    let count = 0;
    const timed = await timedChunks(pages, concurrency, async (jobs) => {
      const added = await queue.addBulk(jobs);
      count += added.length;
    });
    if (lastError) throw lastError;
    return { count, ...timed };
  } finally {
    await queue.close();
  }
}
