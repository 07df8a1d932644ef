import { costToServe, redeemedDiscount } from '../../../../src/analytics/value/cost-to-serve';

const UNIT_COSTS = { costPerCase: 15, costPerReturn: 10 };

describe('redeemed discount', () => {
  it('is the list price minus what was paid', () => {
    // Paid 85.00 with 15 % off: list price 85 / 0.85 = 100.00, discount 15.00.
    expect(redeemedDiscount(85, 15)).toBeCloseTo(15, 10);
    // Paid 60.00 with 40 % off: list 100.00, discount 40.00 = 60 × 40 / 60.
    expect(redeemedDiscount(60, 40)).toBeCloseTo(40, 10);
  });

  it('counts nothing for a 100 % code (no list price to recover from 0 paid)', () => {
    expect(redeemedDiscount(0, 100)).toBe(0);
  });
});

describe('cost to serve', () => {
  it('prices cases, returns and discounts', () => {
    // 2 cases × 15 = 30; 1 return × 10 = 10; discounts 15.00 + 40.00 = 55 → 95.00
    expect(
      costToServe(
        {
          cases: 2,
          returns: 1,
          redemptions: [
            { orderTotal: 85, discountPercent: 15 },
            { orderTotal: 60, discountPercent: 40 },
          ],
        },
        UNIT_COSTS,
      ),
    ).toBe(95);
  });

  it('rounds the discounts to cents', () => {
    // 10 % off, paid 50.00: 50 × 10 / 90 = 5.5555… → 5.56
    expect(
      costToServe(
        { cases: 0, returns: 0, redemptions: [{ orderTotal: 50, discountPercent: 10 }] },
        UNIT_COSTS,
      ),
    ).toBe(5.56);
  });

  it('follows the configured unit costs', () => {
    // 3 × 12.50 + 2 × 0 = 37.50
    expect(
      costToServe(
        { cases: 3, returns: 2, redemptions: [] },
        { costPerCase: 12.5, costPerReturn: 0 },
      ),
    ).toBe(37.5);
  });

  it('is 0 for a customer who never cost anything', () => {
    expect(costToServe({ cases: 0, returns: 0, redemptions: [] }, UNIT_COSTS)).toBe(0);
  });
});
