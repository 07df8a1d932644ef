import { checkPromotionAction } from '../../../../src/mix/reinforcing-promotions/check-promotion-action';
import type { EmailAction } from '../../../../src/rules/rule.schema';

const promotion = { codePrefix: 'BACK15', discountPercent: 15, validFor: 'P14D' };
const email = (more: Partial<EmailAction> = {}): EmailAction => ({
  type: 'email',
  template: 'reinforcing-promotions.promotion',
  to: 'customer',
  promotion,
  ...more,
});

describe('checkPromotionAction', () => {
  it('accepts an email action with a promotion', () => {
    expect(checkPromotionAction(email())).toEqual([]);
    expect(checkPromotionAction(email({ promotion: { ...promotion, validFor: 'PT1S' } }))).toEqual(
      [],
    );
  });

  it('requires action.promotion', () => {
    expect(checkPromotionAction(email({ promotion: undefined }))).toEqual([
      { path: 'action.promotion', message: expect.stringContaining('is required') },
    ]);
  });

  it.each(['P', '14D', 'PT0S', '-P1D', 'P1.5D', 'soon'])(
    'refuses validFor %p at action.promotion.validFor',
    (validFor) => {
      expect(checkPromotionAction(email({ promotion: { ...promotion, validFor } }))).toEqual([
        { path: 'action.promotion.validFor', message: expect.stringContaining('ISO-8601') },
      ]);
    },
  );

  it('refuses a task action at action.type', () => {
    expect(
      checkPromotionAction({
        type: 'task',
        title: 'Call',
        dueIn: 'P1D',
        assignTo: 'account-owner',
        notify: true,
      }).map((e) => e.path),
    ).toEqual(['action.type']);
  });

  it("refuses other modules' options and a recipient other than the customer", () => {
    const errors = checkPromotionAction(
      email({ extras: { max: 2 }, checkIn: false, to: 'account-stakeholders' }),
    );
    expect(errors.map((e) => e.path)).toEqual(['action.extras', 'action.checkIn', 'action.to']);
  });
});
