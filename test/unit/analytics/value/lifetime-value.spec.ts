import { activeSpanYears, lifetimeValue } from '../../../../src/analytics/value/lifetime-value';

const NOW = new Date('2026-01-01T00:00:00Z');
const daysBefore = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe('active span', () => {
  it('runs from the first order to now, in years of 365.25 days', () => {
    expect(activeSpanYears(daysBefore(730.5), NOW)).toBeCloseTo(2, 12);
  });

  it('is at least 30 days', () => {
    expect(activeSpanYears(daysBefore(1), NOW)).toBeCloseTo(30 / 365.25, 12);
    expect(activeSpanYears(daysBefore(0), NOW)).toBeCloseTo(30 / 365.25, 12);
  });
});

describe('lifetime value', () => {
  it('is AOV × frequency × lifespan × margin rate', () => {
    // 4 orders, revenue 400.00, margin 120.00, first order 730.5 days ago (2 years):
    // AOV 100, frequency 4 / 2 = 2 a year, margin rate 0.3, lifespan 3
    // CLV = 100 × 2 × 3 × 0.3 = 180.00
    const value = lifetimeValue(
      { orders: 4, revenue: 400, grossMargin: 120, firstOrderAt: daysBefore(730.5) },
      3,
      NOW,
    );
    expect(value.averageOrderValue).toBe(100);
    expect(value.frequency).toBeCloseTo(2, 12);
    expect(value.marginRate).toBeCloseTo(0.3, 12);
    expect(value.clv).toBe(180);
    expect(value.averageOrderValue * value.frequency * 3 * value.marginRate).toBeCloseTo(180, 9);
  });

  it('gives a recent customer a 30-day span, not a near-zero one', () => {
    // 1 order of 50.00 yesterday, margin 15.00: span 30 days = 0.0821355… years
    // frequency 12.175…, CLV = 15 × 3 / (30 / 365.25) = 547.875 → 547.88
    const value = lifetimeValue(
      { orders: 1, revenue: 50, grossMargin: 15, firstOrderAt: daysBefore(1) },
      3,
      NOW,
    );
    expect(value.clv).toBe(547.88);
  });

  it('counts returned orders in the frequency but not in the revenue', () => {
    // 2 orders (one returned), revenue 80.00 (the kept one), margin 24.00, 1 year (365.25 days):
    // AOV 40, frequency 2, rate 0.3, lifespan 2 → 40 × 2 × 2 × 0.3 = 48.00
    const value = lifetimeValue(
      { orders: 2, revenue: 80, grossMargin: 24, firstOrderAt: daysBefore(365.25) },
      2,
      NOW,
    );
    expect(value.averageOrderValue).toBe(40);
    expect(value.clv).toBe(48);
  });

  it('is 0 without orders or without revenue (everything returned)', () => {
    expect(
      lifetimeValue({ orders: 0, revenue: 0, grossMargin: 0, firstOrderAt: null }, 3, NOW).clv,
    ).toBe(0);
    expect(
      lifetimeValue(
        { orders: 2, revenue: 0, grossMargin: 0, firstOrderAt: daysBefore(100) },
        3,
        NOW,
      ).clv,
    ).toBe(0);
  });
});
