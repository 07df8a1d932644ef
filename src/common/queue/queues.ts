import type { JobsOptions } from 'bullmq';

/**
 * Every queue and its job options, in one table. Jobs carry ids, never whole objects; job
 * ids are deterministic so adding the same work twice is a no-op while the job is kept.
 */
export const QUEUES = {
  evaluate: {
    name: 'evaluate',
    jobName: 'evaluate-event',
    defaults: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
      // Completed jobs are kept a day: while kept, a re-add of the same job id is ignored.
      removeOnComplete: { age: 24 * 3600, count: 200_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    } satisfies JobsOptions,
  },
  deliver: {
    name: 'deliver',
    jobName: 'deliver-message',
    // attempts and backoff come from the configuration (DELIVER_MAX_ATTEMPTS, DELIVER_BACKOFF_MS).
    defaults: {
      removeOnComplete: { age: 24 * 3600, count: 200_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    } satisfies JobsOptions,
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

/** The job id of an event's evaluation. BullMQ refuses integer-like ids, hence the prefix. */
export const evaluateJobId = (eventId: string) => `event.${eventId}`;
