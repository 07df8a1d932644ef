import { CronExpressionParser } from 'cron-parser';
import type { FieldError } from '../common/problem/problem';
import { checkTemplate } from '../messaging/templates/template-check';
import type { StoredTemplate } from '../messaging/templates/template-store';
import { validateConditions } from './conditions/validate-conditions';
import { isValidDuration, isValidHoldoutPercent } from './eligibility';
import type { MixModule } from './engine/mix-module';
import type { RuleInput } from './rule.schema';

/** Event types whose `properties.orderId` names an order the engine loads for conditions. */
export const ORDER_EVENTS = [
  'order.placed',
  'order.delivered',
  'order.cancelled',
  'order.returned',
];

/** Roots every message's template may use, whatever the module and trigger. */
const COMMON_ROOTS = ['customer', 'account', 'company', 'unsubscribeUrl', 'preferencesUrl'];

export interface RuleCheckDeps {
  module: MixModule;
  findTemplate(key: string): Promise<StoredTemplate | null>;
  /** Partials a template may include (the environment's, without the layout). */
  partials: readonly string[];
}

/**
 * Everything about a rule that its shape alone cannot say, checked when it is saved so it
 * never fails when it runs: durations, cron and zone, fields the trigger cannot supply, the
 * module's own action options, and a template that exists and uses only the context this
 * module and trigger fill. Every problem is reported at once, each at its path.
 */
export async function validateRule(rule: RuleInput, deps: RuleCheckDeps): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const duration = (path: string, value: string | undefined) => {
    if (value !== undefined && !isValidDuration(value))
      errors.push({ path, message: 'must be a positive ISO-8601 duration such as P3D or PT30S' });
  };

  const trigger = rule.trigger;
  if (trigger.type === 'schedule') {
    try {
      CronExpressionParser.parse(trigger.cron, { tz: trigger.timezone });
    } catch (error) {
      errors.push({
        path: 'trigger.cron',
        message: `is not a valid cron expression (${(error as Error).message})`,
      });
    }
  }
  if (rule.delay !== undefined && rule.delay !== 'PT0S') duration('delay', rule.delay);
  if (typeof rule.reentry === 'object') duration('reentry.every', rule.reentry.every);
  if (rule.goal) duration('goal.within', rule.goal.within);
  if (!isValidHoldoutPercent(rule.holdoutPercent))
    errors.push({ path: 'holdoutPercent', message: 'must be 0 to 100 with at most two decimals' });

  if (rule.conditions !== undefined)
    errors.push(...validateConditions(rule.conditions, availableSources(rule)));

  errors.push(...deps.module.checkAction(rule.action, rule));

  if (rule.action.type === 'email') {
    const key = rule.action.template;
    const template = await deps.findTemplate(key);
    if (!template) {
      errors.push({ path: 'action.template', message: `no template \`${key}\` exists` });
    } else {
      const roots = [...COMMON_ROOTS, ...triggerRoots(rule), ...deps.module.contextRoots(rule)];
      for (const problem of checkTemplate(template, { roots, partials: deps.partials })) {
        errors.push({
          path: 'action.template',
          message: `template \`${key}\` (${problem.path}, ${problem.message}) — a ${rule.module} rule triggered by ${describeTrigger(rule)} supplies ${roots.join(', ')}`,
        });
      }
    }
  }
  return errors;
}

/** What the trigger supplies to conditions. */
export function availableSources(rule: Pick<RuleInput, 'trigger'>) {
  const sources = new Set<'customer' | 'account' | 'event' | 'order'>(['customer', 'account']);
  if (rule.trigger.type === 'event') {
    sources.add('event');
    if (ORDER_EVENTS.includes(rule.trigger.event)) sources.add('order');
  }
  return sources;
}

function triggerRoots(rule: Pick<RuleInput, 'trigger'>): string[] {
  const sources = availableSources(rule);
  return [...(sources.has('event') ? ['event'] : []), ...(sources.has('order') ? ['order'] : [])];
}

const describeTrigger = (rule: Pick<RuleInput, 'trigger'>) =>
  rule.trigger.type === 'event' ? `\`${rule.trigger.event}\`` : `a ${rule.trigger.type} trigger`;
