import { randomUUID } from 'node:crypto';
import type { MessageRequest } from '../../../src/messaging/messages/message-request';
import { stepTimer, TimedStep } from './ceilings';
import {
  DeliverJob,
  rawAddDeliverJobs,
  rawInsertHistory,
  rawInsertMessages,
} from './message-ceilings';
import { loadCompiled } from './message-mix';
import { benchConfig } from './messaging-service';
import { withDatabase } from './scratch-db';
import { BenchContext } from './section';
import { formatNumber } from './table';

type DeliverQueueModule = typeof import('../../../src/messaging/delivery/deliver-queue');

export interface MessageStorageCeilings {
  insert: TimedStep;
  history: TimedStep;
  redis: TimedStep;
  /** The three steps one after the other, in messages per second. */
  storagePerSec: number;
}

/**
 * The three raw steps of storing scheduled messages, one after the other, as the scheduling
 * and rule-run benchmarks measure them against the service: the message rows of `pages`
 * (their dedupe keys all start with `tag.`), a `scheduled` history row each, and a delayed
 * `deliver` job each as DeliverQueue builds it (its options, a message id each) on a queue
 * of its own. Each step is logged with the CPU of Postgres, Redis and this process; a step
 * that wrote fewer than all of them is a problem.
 */
export async function rawMessageStorage(
  ctx: BenchContext,
  problems: string[],
  {
    pages,
    tag,
    sendAt,
    concurrency,
  }: {
    pages: MessageRequest[][];
    tag: string;
    sendAt: Date;
    concurrency: number;
  },
): Promise<MessageStorageCeilings> {
  const expected = pages.reduce((sum, page) => sum + page.length, 0);
  const timed = stepTimer(ctx.log, problems, expected);

  const insert = await timed('raw Postgres insert (INSERT … SELECT FROM unnest)', 'rows', () =>
    rawInsertMessages(ctx.databaseUrl, pages, concurrency),
  );
  const ids = await withDatabase(ctx.databaseUrl, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM messages WHERE dedupe_key LIKE $1 || '.%'`,
      [tag],
    );
    return rows.map((row) => row.id);
  });
  const page = pages[0]?.length ?? 1;
  const idPages = Array.from({ length: Math.ceil(ids.length / page) }, (_, i) =>
    ids.slice(i * page, (i + 1) * page),
  );
  const history = await timed('raw history insert', 'rows', () =>
    rawInsertHistory(ctx.databaseUrl, idPages, concurrency),
  );

  const config = await benchConfig(ctx, {});
  const { DeliverQueue } = await loadCompiled<DeliverQueueModule>(
    ctx.root,
    'messaging/delivery/deliver-queue',
  );
  const deliverQueue = new DeliverQueue(null as never, config);
  const now = Date.now();
  const jobPages: DeliverJob[][] = pages.map((p) =>
    p.map(() => {
      const id = randomUUID();
      return {
        name: 'deliver-message',
        data: { messageId: id },
        opts: deliverQueue.jobOptions(id, sendAt, now),
      };
    }),
  );
  const redis = await timed('raw BullMQ addBulk (delayed jobs)', 'jobs', () =>
    rawAddDeliverJobs(ctx.redisUrl, ctx.queuePrefix, jobPages, concurrency),
  );
  const storagePerSec = 1 / (1 / insert.perSec + 1 / history.perSec + 1 / redis.perSec);
  ctx.log(
    `insert + history + addBulk, one after the other: ${formatNumber(storagePerSec)} messages/s`,
  );
  return { insert, history, redis, storagePerSec };
}
