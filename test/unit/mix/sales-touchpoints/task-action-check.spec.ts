import {
  checkSalesAction,
  salesContextRoots,
} from '../../../../src/mix/sales-touchpoints/task-action-check';
import type { EmailAction, TaskAction } from '../../../../src/rules/rule.schema';

const event = { trigger: { type: 'event' as const, event: 'order.placed' } };
const manual = { trigger: { type: 'manual' as const } };

const task = (overrides: Partial<TaskAction> = {}): TaskAction => ({
  type: 'task',
  title: 'Value review with {{account.name}}',
  dueIn: 'P14D',
  assignTo: 'account-owner',
  notify: true,
  ...overrides,
});

const email = (overrides: Partial<EmailAction> = {}): EmailAction => ({
  type: 'email',
  template: 'sales-touchpoints.value-summary',
  to: 'account-stakeholders',
  ...overrides,
});

describe('checkSalesAction', () => {
  it('accepts a task with a positive duration and a title over the allowed names', () => {
    expect(checkSalesAction(task(), manual)).toEqual([]);
    expect(checkSalesAction(task({ dueIn: 'PT1S', title: '{{event.type}}' }), event)).toEqual([]);
  });

  it.each(['P0D', 'PT0S', '-P1D', 'P1.5D', '14 days', 'P'])('refuses dueIn %s', (dueIn) => {
    expect(checkSalesAction(task({ dueIn }), manual)).toEqual([
      { path: 'action.dueIn', message: expect.stringContaining('positive ISO-8601 duration') },
    ]);
  });

  it('reports the title and the duration at once', () => {
    const errors = checkSalesAction(task({ dueIn: 'soon', title: '{{promotion.code}}' }), manual);
    expect(errors.map((e) => e.path)).toEqual(['action.dueIn', 'action.title']);
  });

  it('accepts an email without module options', () => {
    expect(checkSalesAction(email(), event)).toEqual([]);
  });

  it('refuses the other modules’ options at their path', () => {
    const errors = checkSalesAction(
      email({
        extras: { max: 2 },
        promotion: { codePrefix: 'X', discountPercent: 5, validFor: 'P1D' },
        checkIn: true,
      }),
      event,
    );
    expect(errors).toEqual([
      { path: 'action.extras', message: expect.stringContaining('product-extras') },
      { path: 'action.promotion', message: expect.stringContaining('reinforcing-promotions') },
      { path: 'action.checkIn', message: expect.stringContaining('post-purchase') },
    ]);
  });
});

describe('salesContextRoots', () => {
  it('gives `task` to rules on task.completed only', () => {
    expect(salesContextRoots({ trigger: { type: 'event', event: 'task.completed' } })).toEqual([
      'task',
    ]);
    expect(salesContextRoots(event)).toEqual([]);
    expect(salesContextRoots(manual)).toEqual([]);
    expect(
      salesContextRoots({ trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'UTC' } }),
    ).toEqual([]);
  });
});
