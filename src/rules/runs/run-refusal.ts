import type { RuleStatus } from '../rule.entity';

/**
 * Why a rule may not be run now by `POST /v1/rules/{id}/run`, or null when it may.
 *
 * - Event rules have no audience of their own: they run per event.
 * - Schedule rules may also be run by hand ("send this week's offer now"), as DESIGN.md says.
 * - Only an `active` rule runs. A draft is a rule nobody has approved yet and a paused one
 *   was stopped on purpose; both would send real email. Activating a manual rule is what
 *   makes it runnable (it still runs only when asked), so "try it out" goes through the
 *   template preview instead.
 */
export function runRefusal(rule: { status: RuleStatus; trigger_type: string }): string | null {
  if (rule.trigger_type === 'event') {
    return 'an event rule runs for each of its events, not on request; only schedule and manual rules can be run';
  }
  if (rule.status !== 'active') {
    return `the rule is ${rule.status}: only an active rule can be run (PATCH it to "status": "active" first)`;
  }
  return null;
}
