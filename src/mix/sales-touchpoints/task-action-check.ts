import type { FieldError } from '../../common/problem/problem';
import { parseDuration } from '../../rules/eligibility/durations';
import type { EmailAction, RuleInput, TaskAction } from '../../rules/rule.schema';
import { checkTitle } from './task-title';

/** The event whose rules get the completed task in their template context (`task`). */
export const TASK_COMPLETED = 'task.completed';

/** Options of the other modules' email actions, and whose they are. */
const FOREIGN_OPTIONS = {
  extras: 'product-extras',
  promotion: 'reinforcing-promotions',
  checkIn: 'post-purchase',
} as const;

/**
 * What a sales-touchpoints rule's action may be: an email without the other modules' options,
 * or a task whose due time is a positive duration and whose title is a template over the
 * stakeholder, the account and the event. Pure: the rule validator calls it when a rule is saved.
 */
export function checkSalesAction(
  action: EmailAction | TaskAction,
  rule: Pick<RuleInput, 'trigger'>,
): FieldError[] {
  if (action.type === 'email') {
    return (Object.keys(FOREIGN_OPTIONS) as (keyof typeof FOREIGN_OPTIONS)[])
      .filter((option) => action[option] !== undefined)
      .map((option) => ({
        path: `action.${option}`,
        message: `is a ${FOREIGN_OPTIONS[option]} option; a sales-touchpoints rule cannot use it`,
      }));
  }
  const errors: FieldError[] = [];
  if (parseDuration(action.dueIn) === null) {
    errors.push({
      path: 'action.dueIn',
      message: 'must be a positive ISO-8601 duration such as P14D or PT4H',
    });
  }
  errors.push(...checkTitle(action.title, rule.trigger.type === 'event'));
  return errors;
}

/** Context roots a rule's template may use beyond the common ones: the task, after a completion. */
export function salesContextRoots(rule: Pick<RuleInput, 'trigger'>): readonly string[] {
  return rule.trigger.type === 'event' && rule.trigger.event === TASK_COMPLETED ? ['task'] : [];
}
