import { checkExtrasAction } from '../../../../src/mix/product-extras/check-extras-action';
import type { EmailAction } from '../../../../src/rules/rule.schema';

const email = (more: Partial<EmailAction> = {}): EmailAction => ({
  type: 'email',
  template: 'product-extras.offer',
  to: 'customer',
  ...more,
});

describe('checkExtrasAction', () => {
  it('accepts an email action with or without extras options', () => {
    expect(checkExtrasAction(email())).toEqual([]);
    expect(
      checkExtrasAction(email({ extras: { kinds: ['warranty'], max: 1, excludeOwned: false } })),
    ).toEqual([]);
  });

  it('refuses a task action at action.type', () => {
    const errors = checkExtrasAction({
      type: 'task',
      title: 'Call',
      dueIn: 'P1D',
      assignTo: 'account-owner',
      notify: true,
    });
    expect(errors).toEqual([{ path: 'action.type', message: expect.stringContaining('"email"') }]);
  });

  it("refuses other modules' options and a recipient other than the customer, each at its path", () => {
    const errors = checkExtrasAction(
      email({
        promotion: { codePrefix: 'X', discountPercent: 10, validFor: 'P1D' },
        checkIn: true,
        to: 'account-owner',
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['action.promotion', 'action.checkIn', 'action.to']);
    expect(errors[0].message).toContain('reinforcing-promotions');
    expect(errors[1].message).toContain('post-purchase');
  });
});
