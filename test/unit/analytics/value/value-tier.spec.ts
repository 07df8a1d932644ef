import { clvCutoffs, valueTier } from '../../../../src/analytics/value/value-tier';

describe('CLV cut-offs', () => {
  it('are the 80th and 50th percentiles of the cohort', () => {
    // Ten CLVs 10, 20, …, 100: 80th percentile = row 8 = 80; 50th = row 5 = 50.
    expect(clvCutoffs([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])).toEqual({ high: 80, medium: 50 });
  });

  it('are null for an empty cohort', () => {
    expect(clvCutoffs([])).toEqual({ high: null, medium: null });
  });
});

describe('value tier', () => {
  const cutoffs = { high: 80, medium: 50 };
  const tier = (clv: number, grossMargin = 100, costToServe = 10, orders = 3) =>
    valueTier({ orders, grossMargin, costToServe, clv }, cutoffs);

  it('high: the top 20 % (above the 80th percentile)', () => {
    // Of 10, 20, …, 100: 90 and 100 are high, 60, 70, 80 medium, the rest low.
    expect([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((clv) => tier(clv))).toEqual([
      'low',
      'low',
      'low',
      'low',
      'low',
      'medium',
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });

  it('unprofitable: cost to serve above the margin earned, whatever the CLV', () => {
    expect(tier(500, 100, 100.01)).toBe('unprofitable');
    // Equal is not above.
    expect(tier(500, 100, 100)).toBe('high');
  });

  it('low without orders, unless cases already made them unprofitable', () => {
    expect(tier(0, 0, 0, 0)).toBe('low');
    expect(tier(0, 0, 15, 0)).toBe('unprofitable');
  });

  it('without cut-offs (an empty cohort), nobody is high or medium', () => {
    expect(
      valueTier({ orders: 1, grossMargin: 10, costToServe: 0, clv: 999 }, clvCutoffs([])),
    ).toBe('low');
  });
});
