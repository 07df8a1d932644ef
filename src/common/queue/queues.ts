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
  // Schedule rules: one job scheduler per active schedule rule adds one tick job per cron
  // tick. A tick job only records the run and queues it, so ticks never wait behind runs.
  ruleTicks: {
    name: 'rule-ticks',
    jobName: 'run-rule',
    defaults: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    } satisfies JobsOptions,
  },
  // One job per schedule or manual run (job id `run.<runId>`): the audience, page by page.
  ruleRuns: {
    name: 'rule-runs',
    jobName: 'execute-run',
    defaults: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    } satisfies JobsOptions,
  },
  // Value tiers recomputed for everyone: one job per night (a job scheduler) or per admin
  // request. Few and long; one at a time (a Postgres advisory lock backs that up).
  analytics: {
    name: 'analytics',
    jobName: 'recompute-value-tiers',
    defaults: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 60_000 },
      removeOnComplete: { age: 30 * 24 * 3600, count: 1_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    } satisfies JobsOptions,
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

/** The job id of an event's evaluation. BullMQ refuses integer-like ids, hence the prefix. */
export const evaluateJobId = (eventId: string) => `event.${eventId}`;

/** The job id of a rule run's execution. */
export const ruleRunJobId = (runId: string) => `run.${runId}`;

/** The id of a schedule rule's BullMQ job scheduler. */
export const ruleSchedulerId = (ruleId: string) => `rule.${ruleId}`;

/** The id of the nightly value-tier job scheduler. */
export const VALUE_TIERS_SCHEDULER_ID = 'value-tiers.nightly';
