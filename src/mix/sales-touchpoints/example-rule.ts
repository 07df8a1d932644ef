import type { RuleInput } from '../../rules/rule.schema';

/**
 * DESIGN.md's sales-touchpoints rule, in two parts: "every quarter, the owner of each top-20
 * account gets a value-review task; when it is done, all stakeholders get the summary".
 * Both are valid as they are (`POST /v1/rules`); the tests save and run them.
 */

/**
 * Part one: at 09:00 Berlin time on the first day of each quarter, one value-review task per
 * top-20 account (the CRM keeps `account.attributes.rank` up to date), for the account's
 * owner, due in two weeks. Every stakeholder of such an account matches, but the account gets
 * one task; its owner gets one digest listing all their new tasks when the run ends.
 */
export const exampleRule: RuleInput = {
  name: 'Quarterly value review with each top-20 account',
  module: 'sales-touchpoints',
  trigger: { type: 'schedule', cron: '0 9 1 1,4,7,10 *', timezone: 'Europe/Berlin' },
  conditions: { all: [{ field: 'account.attributes.rank', op: 'lte', value: 20 }] },
  action: {
    type: 'task',
    title: 'Quarterly value review with {{account.name}}',
    dueIn: 'P14D',
    assignTo: 'account-owner',
    notify: true,
  },
  // Each quarter's run is a new occurrence: the same accounts come back every quarter.
  reentry: 'always',
  holdoutPercent: 0,
  priority: 50,
  includeUnprofitable: false,
  status: 'active',
};

/**
 * Part two: when a rep completes a task and says what the account got out of it, every
 * stakeholder of the account gets the value-delivered summary (`task` in the template is the
 * completed task: outcome, notes, valueDelivered). One message per stakeholder, personalized.
 */
export const exampleSummaryRule: RuleInput = {
  name: 'Value summary to every stakeholder after a review',
  module: 'sales-touchpoints',
  trigger: { type: 'event', event: 'task.completed' },
  conditions: { all: [{ field: 'event.properties.valueDelivered', op: 'exists' }] },
  action: {
    type: 'email',
    template: 'sales-touchpoints.value-summary',
    to: 'account-stakeholders',
  },
  // One summary per completed task: the event is the occurrence.
  reentry: 'always',
  holdoutPercent: 0,
  priority: 50,
  includeUnprofitable: false,
  status: 'active',
};
