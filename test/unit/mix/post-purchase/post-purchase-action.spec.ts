import {
  checkPostPurchaseAction,
  postPurchaseContextRoots,
} from '../../../../src/mix/post-purchase/post-purchase-action';
import type { EmailAction, TaskAction } from '../../../../src/rules/rule.schema';

const email = (overrides: Partial<EmailAction> = {}): EmailAction => ({
  type: 'email',
  template: 'post-purchase.check-in',
  to: 'customer',
  checkIn: true,
  ...overrides,
});

describe('the action of a post-purchase rule', () => {
  it('accepts an email to the customer, with or without a check-in', () => {
    expect(checkPostPurchaseAction(email())).toEqual([]);
    expect(checkPostPurchaseAction(email({ checkIn: undefined }))).toEqual([]);
    expect(checkPostPurchaseAction(email({ checkIn: false }))).toEqual([]);
  });

  it('refuses a task action at action.type', () => {
    const task: TaskAction = {
      type: 'task',
      title: 'Call',
      dueIn: 'P1D',
      assignTo: 'account-owner',
      notify: true,
    };
    expect(checkPostPurchaseAction(task)).toEqual([
      { path: 'action.type', message: expect.stringMatching(/sales-touchpoints/) },
    ]);
  });

  it.each(['account-owner', 'account-stakeholders'] as const)('refuses to: %s', (to) => {
    expect(checkPostPurchaseAction(email({ to }))).toEqual([
      { path: 'action.to', message: expect.stringMatching(/"customer"/) },
    ]);
  });

  it('refuses the options of other modules, each at its own path', () => {
    expect(
      checkPostPurchaseAction(
        email({
          to: 'account-owner',
          extras: { max: 2 },
          promotion: { codePrefix: 'SORRY', discountPercent: 10, validFor: 'P14D' },
        }),
      ),
    ).toEqual([
      { path: 'action.to', message: expect.any(String) },
      { path: 'action.extras', message: 'belongs to product-extras rules' },
      { path: 'action.promotion', message: 'belongs to reinforcing-promotions rules' },
    ]);
  });

  it('lets templates use checkIn only when the rule asks for a check-in', () => {
    expect(postPurchaseContextRoots({ action: email() })).toEqual(['checkIn']);
    expect(postPurchaseContextRoots({ action: email({ checkIn: false }) })).toEqual([]);
    expect(postPurchaseContextRoots({ action: email({ checkIn: undefined }) })).toEqual([]);
  });
});
