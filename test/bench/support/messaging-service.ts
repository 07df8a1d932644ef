import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../../../src/config/app-config';
import type {
  MessageRequest,
  ScheduledMessage,
} from '../../../src/messaging/messages/message-request';
import { loadCompiled } from './message-mix';
import { BenchContext } from './section';

/**
 * The compiled MessagesService in the benchmark's own process, on a plain pg client and the
 * compiled QueueProducer / DeliverQueue: messages are created and their `deliver` jobs added
 * exactly as the service does (same INSERT, same job ids and options), without booting Nest.
 */

type ConfigModule = typeof import('../../../src/config/app-config');
type ProducerModule = typeof import('../../../src/common/queue/queue-producer');
type DeliverQueueModule = typeof import('../../../src/messaging/delivery/deliver-queue');
type MessagesModule = typeof import('../../../src/messaging/messages/messages.service');

/** The configuration the compiled classes get here: the scratch database and prefix, `env` on top. */
export async function benchConfig(ctx: BenchContext, env: Record<string, string>) {
  const { loadConfig } = await loadCompiled<ConfigModule>(ctx.root, 'config/app-config');
  return loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: ctx.queuePrefix,
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    COMPANY_NAME: 'Bench Co',
    COMPANY_POSTAL_ADDRESS: '1 Bench Street, 75001 Paris',
    // The benchmark adds 1,000 jobs at a time to a busy Redis: give it time rather than fail.
    QUEUE_ADD_TIMEOUT_MS: '30000',
    ...env,
  });
}

export interface BenchMessages {
  config: AppConfig;
  /** Inserts in one transaction (MessagesService.insert, pages of 1,000). */
  insert: (client: Client, requests: MessageRequest[]) => Promise<ScheduledMessage[]>;
  /** MessagesService.enqueue: addBulk of 1,000 jobs at a time, job id = message id. */
  enqueue: (messages: ScheduledMessage[]) => Promise<void>;
  /** Workers (processes) reading the `deliver` queue. */
  deliverWorkers: () => Promise<number>;
  close: () => Promise<void>;
}

export async function benchMessages(ctx: BenchContext, config: AppConfig): Promise<BenchMessages> {
  const { QueueProducer } = await loadCompiled<ProducerModule>(
    ctx.root,
    'common/queue/queue-producer',
  );
  const { DeliverQueue } = await loadCompiled<DeliverQueueModule>(
    ctx.root,
    'messaging/delivery/deliver-queue',
  );
  const { MessagesService } = await loadCompiled<MessagesModule>(
    ctx.root,
    'messaging/messages/messages.service',
  );
  const producer = new QueueProducer(config);
  // schedule() and the release of held messages need the DataSource; insert and enqueue do not.
  const service = new MessagesService(null as never, new DeliverQueue(producer, config));
  const deliver = producer.queue('deliver');
  await deliver.waitUntilReady();
  return {
    config,
    insert: async (client, requests) => {
      const em = {
        query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
      } as unknown as EntityManager;
      await client.query('BEGIN');
      try {
        const scheduled = await service.insert(em, requests);
        await client.query('COMMIT');
        return scheduled;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    enqueue: async (messages) => {
      // DeliverQueue.enqueue logs and answers false when Redis refused: the reconciler's job
      // in production, a broken run here.
      if (!(await service.enqueue(messages))) throw new Error('adding the deliver jobs failed');
    },
    deliverWorkers: () => deliver.getWorkersCount(),
    close: () => producer.onApplicationShutdown(),
  };
}
