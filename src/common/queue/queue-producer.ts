import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { redisOptions } from '../redis/redis-options';
import { QueueName } from './queues';

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The producer side of every queue: one BullMQ Queue per name on connections that fail fast
 * (no offline queue) — unlike the workers' connections, which must wait for Redis forever. A
 * request never hangs on a Redis that is down; Postgres holds the work and the relays and
 * reconcilers add what could not be added.
 */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueProducer');
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: redisOptions(this.config.redisUrl, 'producer'),
        prefix: this.config.queuePrefix,
      });
      // Without a listener an unreachable Redis would crash the process with an unhandled error.
      queue.on('error', (error) => this.logger.debug(`redis (${name}): ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Adds jobs, or throws within QUEUE_ADD_TIMEOUT_MS when Redis does not take them. */
  async addBulk(name: QueueName, jobs: { name: string; data: object; opts: JobsOptions }[]) {
    if (jobs.length === 0) return;
    await withTimeout(this.queue(name).addBulk(jobs), this.config.queueAddTimeoutMs);
  }

  /** Answers PONG when Redis is reachable; for the health check. */
  async ping(): Promise<string> {
    const client = await this.queue('evaluate').getBackend().client;
    return String(await client.runCommand('ping', []));
  }

  async onApplicationShutdown() {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
