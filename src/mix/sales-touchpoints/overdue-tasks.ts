import type { Duration } from 'luxon';
import { FixedOffsetZone } from 'luxon';
import { addDuration } from '../../rules/eligibility/durations';
import type { TaskStatus } from './task.entity';

/**
 * What an overdue task calls for, as a pure function of the tasks, the time and the grace:
 * the owner is reminded once; a task still open `grace` after its due time escalates once to
 * the sales manager.
 */

export interface OverdueCandidate {
  status: TaskStatus;
  dueAt: Date;
  notifiedAt: Date | null;
  remindedAt: Date | null;
  escalatedAt: Date | null;
  /** The rule's `action.notify`: false = its tasks never email the owner. */
  notify: boolean;
}

export interface OverdueActions<T> {
  remind: T[];
  escalate: T[];
}

/**
 * - Only open tasks: a completed task is done, a held-out one exists only to be measured.
 * - A reminder follows the notice: a rep is never reminded of a task they were not told of
 *   (the notice of a just-created task that is already due goes first), and a rule with
 *   `notify: false` emails its owners nothing.
 * - Escalation does not wait for either: the manager hears of a neglected task even when the
 *   rule keeps the owner's inbox quiet.
 * - Calendar units of the grace (`P2D`) are counted in UTC: a task has no time zone.
 */
export function overdueActions<T extends OverdueCandidate>(
  tasks: readonly T[],
  now: Date,
  grace: Duration,
): OverdueActions<T> {
  const remind: T[] = [];
  const escalate: T[] = [];
  for (const task of tasks) {
    if (task.status !== 'open' || task.dueAt >= now) continue;
    if (task.remindedAt === null && task.notify && task.notifiedAt !== null) remind.push(task);
    if (
      task.escalatedAt === null &&
      addDuration(task.dueAt, grace, FixedOffsetZone.utcInstance) < now
    ) {
      escalate.push(task);
    }
  }
  return { remind, escalate };
}
