import { planTasks, taskDedupeKey } from '../../../../src/mix/sales-touchpoints/task-plan';
import { entry, RULE_ID, RUN_ID } from './entries';

describe('planTasks: one task per (rule, account, occurrence)', () => {
  it('makes one task for an account however many of its stakeholders match', () => {
    const plan = planTasks([entry('11', '7'), entry('12', '7'), entry('13', '7')]);
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]).toMatchObject({
      dedupeKey: `task.${RULE_ID}.7.${RUN_ID}`,
      accountId: '7',
      others: 2,
    });
    expect(plan.skipped).toEqual({ account_has_task: 2 });
  });

  it('makes one task per account', () => {
    const plan = planTasks([entry('11', '7'), entry('21', '8'), entry('12', '7')]);
    expect(plan.tasks.map((t) => t.accountId)).toEqual(['7', '8']);
    expect(plan.skipped).toEqual({ account_has_task: 1 });
  });

  it('skips customers who belong to no account as no_account', () => {
    const plan = planTasks([entry('11', null), entry('12', null), entry('13', '7')]);
    expect(plan.tasks.map((t) => t.accountId)).toEqual(['7']);
    expect(plan.skipped).toEqual({ no_account: 2 });
  });

  it('picks the stakeholder with the lowest id, compared as numbers, whatever the order', () => {
    const ids = ['100', '9', '25'];
    for (const order of [ids, [...ids].reverse(), ['25', '100', '9']]) {
      const plan = planTasks(order.map((id) => entry(id, '7')));
      expect(plan.tasks[0].entry.customer.id).toBe('9');
    }
  });

  it('keeps occurrences apart: two events of one account make two tasks', () => {
    const plan = planTasks([
      entry('11', '7', { occurrence: 'evt-1' }),
      entry('12', '7', { occurrence: 'evt-2' }),
    ]);
    expect(plan.tasks.map((t) => t.dedupeKey)).toEqual([
      taskDedupeKey(RULE_ID, '7', 'evt-1'),
      taskDedupeKey(RULE_ID, '7', 'evt-2'),
    ]);
    expect(plan.skipped).toEqual({});
  });

  it('takes the group of the representative: a held-out lowest stakeholder holds the account out', () => {
    const plan = planTasks([entry('12', '7'), entry('5', '7', { group: 'holdout' })]);
    expect(plan.tasks[0].entry.group).toBe('holdout');
  });

  it('plans nothing for no entries', () => {
    expect(planTasks([])).toEqual({ tasks: [], skipped: {} });
  });
});
