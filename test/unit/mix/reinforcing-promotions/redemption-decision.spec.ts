import {
  PromotionState,
  redemptionDecision,
} from '../../../../src/mix/reinforcing-promotions/redemption-decision';

const EXPIRES = new Date('2026-06-14T22:00:00Z');
const promotion = (more: Partial<PromotionState> = {}): PromotionState => ({
  customerId: '42',
  expiresAt: EXPIRES,
  redeemedAt: null,
  ...more,
});
const before = new Date('2026-06-10T12:00:00Z');

describe('redemptionDecision', () => {
  it("redeems the customer's own unused code before it expires", () => {
    expect(redemptionDecision(promotion(), '42', before)).toEqual({ status: 'redeemed' });
  });

  it('redeems at the very instant of expiry, not a millisecond after', () => {
    expect(redemptionDecision(promotion(), '42', EXPIRES)).toEqual({ status: 'redeemed' });
    expect(redemptionDecision(promotion(), '42', new Date(EXPIRES.getTime() + 1))).toEqual({
      status: 'invalid',
      reason: 'expired',
    });
  });

  it.each<[string, PromotionState | null, string, Date]>([
    ['unknown_code', null, '42', before],
    ['other_customer', promotion(), '43', before],
    ['already_redeemed', promotion({ redeemedAt: new Date('2026-06-01T00:00:00Z') }), '42', before],
    ['expired', promotion(), '42', new Date('2026-06-20T00:00:00Z')],
  ])('refuses with %s', (reason, state, customerId, at) => {
    expect(redemptionDecision(state, customerId, at)).toEqual({ status: 'invalid', reason });
  });

  it('says already_redeemed, not expired, for a used code tried after its expiry', () => {
    const used = promotion({ redeemedAt: before });
    expect(redemptionDecision(used, '42', new Date('2026-07-01T00:00:00Z'))).toEqual({
      status: 'invalid',
      reason: 'already_redeemed',
    });
  });

  it("says other_customer for someone else's code, used or not", () => {
    expect(redemptionDecision(promotion({ redeemedAt: before }), '7', before)).toEqual({
      status: 'invalid',
      reason: 'other_customer',
    });
  });
});
