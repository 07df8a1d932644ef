import type { RuleStatus } from '../rule.entity';
import type { RuleDefinition } from '../rule.schema';

/** What a rule needs to be in Redis: a job scheduler with this cron pattern and zone, or none. */
export type SchedulerSpec = { pattern: string; tz: string } | null;

/**
 * Only an active schedule rule has a scheduler. A paused or draft rule, or one changed to
 * another trigger, must have none, so a tick can never run a rule nobody wants running.
 */
export function schedulerSpec(rule: {
  status: RuleStatus;
  definition: Pick<RuleDefinition, 'trigger'>;
}): SchedulerSpec {
  const trigger = rule.definition.trigger;
  if (rule.status !== 'active' || trigger.type !== 'schedule') return null;
  return { pattern: trigger.cron, tz: trigger.timezone };
}
