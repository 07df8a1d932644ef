import {
  exampleRule,
  exampleSummaryRule,
} from '../../../../src/mix/sales-touchpoints/example-rule';
import {
  checkSalesAction,
  salesContextRoots,
} from '../../../../src/mix/sales-touchpoints/task-action-check';
import type { MixModule } from '../../../../src/rules/engine/mix-module';
import { createRuleSchema } from '../../../../src/rules/rule.schema';
import { validateRule } from '../../../../src/rules/validate-rule';
import { defaultTemplateLookup } from '../../../support/default-template-lookup';

/** The module's two rule checks, as the engine's validator calls them. */
const salesModule = {
  checkAction: checkSalesAction,
  contextRoots: salesContextRoots,
} as unknown as MixModule;

const deps = {
  module: salesModule,
  ...defaultTemplateLookup(),
};

describe('the example rules', () => {
  it.each([
    ['the quarterly value review (task)', exampleRule],
    ['the value summary (email to every stakeholder)', exampleSummaryRule],
  ])('%s is a valid rule as it is', async (_, rule) => {
    const parsed = createRuleSchema.safeParse(rule);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(rule);
    expect(await validateRule(rule, deps as never)).toEqual([]);
  });

  it('the summary follows task.completed and sends the value-summary to every stakeholder', () => {
    expect(exampleSummaryRule.trigger).toEqual({ type: 'event', event: 'task.completed' });
    expect(exampleSummaryRule.action).toEqual({
      type: 'email',
      template: 'sales-touchpoints.value-summary',
      to: 'account-stakeholders',
    });
  });

  it('the value-summary template could not be used by a rule that has no completed task', async () => {
    const onOrder = {
      ...exampleSummaryRule,
      trigger: { type: 'event' as const, event: 'order.placed' },
    };
    const errors = await validateRule(onOrder, deps);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toEqual({
        path: 'action.template',
        message: expect.stringContaining('unknown name "task"'),
      });
    }
  });
});
