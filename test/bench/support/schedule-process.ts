import 'reflect-metadata';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import type { MessageRequest } from '../../../src/messaging/messages/message-request';
import { serveParent, tellParent } from './child-protocol';
import { loadCompiled, promotionRequests } from './message-mix';

/**
 * The scheduling benchmark's caller, in a process of its own: the compiled MessagesService
 * with a TypeORM DataSource, the QueueProducer and the DeliverQueue, as the service wires
 * them, and nothing else of the application. It prepares every request, warms up, tells
 * `ready`; `run` schedules the timed requests page after page (`BENCH_CONCURRENCY` pages at
 * a time) and answers how long it took.
 *
 * Environment: the service's (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, DATABASE_POOL_SIZE, …)
 * and BENCH_MESSAGES, BENCH_PAGE, BENCH_CONCURRENCY, BENCH_WARMUP, BENCH_TAG, BENCH_SEND_AT.
 */

type ConfigModule = typeof import('../../../src/config/app-config');
type DataSourceOptionsModule = typeof import('../../../src/database/data-source-options');
type ProducerModule = typeof import('../../../src/common/queue/queue-producer');
type DeliverQueueModule = typeof import('../../../src/messaging/delivery/deliver-queue');
type MessagesModule = typeof import('../../../src/messaging/messages/messages.service');

export interface ScheduleRun {
  wallMs: number;
  pages: number;
  scheduled: number;
  created: number;
}

const ROOT = resolve(__dirname, '..', '..', '..');
const number = (name: string) => Number(process.env[name]);

const pagesOf = (requests: MessageRequest[], size: number) =>
  Array.from({ length: Math.ceil(requests.length / size) }, (_, i) =>
    requests.slice(i * size, (i + 1) * size),
  );

let cleanUp: () => Promise<void> = () => Promise.resolve();
let runTimed: () => Promise<ScheduleRun> = () => Promise.reject(new Error('not ready yet'));
serveParent({ run: () => runTimed() }, () => cleanUp());

async function main() {
  const { loadConfig } = await loadCompiled<ConfigModule>(ROOT, 'config/app-config');
  const { dataSourceOptions } = await loadCompiled<DataSourceOptionsModule>(
    ROOT,
    'database/data-source-options',
  );
  const { QueueProducer } = await loadCompiled<ProducerModule>(ROOT, 'common/queue/queue-producer');
  const { DeliverQueue } = await loadCompiled<DeliverQueueModule>(
    ROOT,
    'messaging/delivery/deliver-queue',
  );
  const { MessagesService } = await loadCompiled<MessagesModule>(
    ROOT,
    'messaging/messages/messages.service',
  );

  const config = loadConfig(process.env);
  const db = new DataSource(dataSourceOptions(config.databaseUrl, config.databasePoolSize));
  const producer = new QueueProducer(config);
  cleanUp = async () => {
    await producer.onApplicationShutdown();
    if (db.isInitialized) await db.destroy();
  };
  await db.initialize();
  const messages = new MessagesService(db, new DeliverQueue(producer, config));
  await producer.queue('deliver').waitUntilReady();
  await Promise.all(Array.from({ length: config.databasePoolSize }, () => db.query('SELECT 1')));

  const customerIds = (
    await db.query<{ id: string }[]>('SELECT id FROM customers ORDER BY id')
  ).map((row) => row.id);
  const page = number('BENCH_PAGE');
  const concurrency = number('BENCH_CONCURRENCY');
  const sendAt = new Date(process.env.BENCH_SEND_AT!);
  const tag = process.env.BENCH_TAG!;
  const make = (suffix: string, count: number) =>
    pagesOf(promotionRequests({ tag: `${tag}${suffix}`, count, customerIds, sendAt }), page);

  const schedule = async (pages: MessageRequest[][]): Promise<ScheduleRun> => {
    let next = 0;
    let scheduled = 0;
    let created = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < pages.length) {
          const answer = await messages.schedule(pages[next++]);
          scheduled += answer.length;
          created += answer.filter((m) => m.created).length;
        }
      }),
    );
    return { wallMs: performance.now() - started, pages: pages.length, scheduled, created };
  };

  const warm = await schedule(make('-warm', number('BENCH_WARMUP')));
  const timed = make('', number('BENCH_MESSAGES'));
  runTimed = () => schedule(timed);
  tellParent('ready', { warmup: warm, customers: customerIds.length });
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
