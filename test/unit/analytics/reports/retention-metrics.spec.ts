import {
  customerFigures,
  money,
  ratio,
  revenueFigures,
} from '../../../../src/analytics/reports/retention-metrics';

describe('ratio', () => {
  it('divides, and is null (not 0, not NaN) over zero', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(0, 4)).toBe(0);
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
  });
});

describe('customerFigures', () => {
  it('S, E, retention and churn rates of a worked example', () => {
    // 100 customers had ordered before `from`, 10 of them lost by then → S = 90.
    // 130 had ordered before `to` (30 new), 18 of them lost by then → E = 112.
    // In the period 9 of S churned, 3 lost before came back, 2 new ones left again:
    //   E = S − churned + wonBack + N − newChurned = 90 − 9 + 3 + 30 − 2 = 112 ✓
    // retention = (E − N) / S = (112 − 30) / 90 = 82 / 90 = 0.91111…
    // churn = 9 / 90 = 0.1; and retention = 1 − 0.1 + (3 − 2) / 90 ✓
    const figures = customerFigures({
      orderedBeforeFrom: 100,
      orderedBeforeTo: 130,
      lostAtFrom: 10,
      lostAtTo: 18,
      new: 30,
      churned: 9,
      wonBack: 3,
      newChurned: 2,
    });
    expect(figures).toEqual({
      start: 90,
      new: 30,
      end: 112,
      churned: 9,
      wonBack: 3,
      newChurned: 2,
      retentionRate: 82 / 90,
      churnRate: 0.1,
    });
    expect(figures.retentionRate).toBeCloseTo(1 - 0.1 + 1 / 90, 12);
  });

  it('no rates without customers at the start (a shop in its first period)', () => {
    const figures = customerFigures({
      orderedBeforeFrom: 0,
      orderedBeforeTo: 12,
      lostAtFrom: 0,
      lostAtTo: 1,
      new: 12,
      churned: 0,
      wonBack: 0,
      newChurned: 1,
    });
    expect(figures).toMatchObject({ start: 0, end: 11, retentionRate: null, churnRate: null });
  });
});

describe('revenueFigures', () => {
  it('splits and sums to the cent, with the share of new customers', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; money is rounded to cents.
    expect(revenueFigures(0.1, 0.2)).toEqual({
      new: 0.1,
      returning: 0.2,
      total: 0.3,
      newShare: expect.closeTo(1 / 3, 12),
    });
    // 250 of 1000 from new customers → a share of 0.25.
    expect(revenueFigures(250, 750)).toEqual({
      new: 250,
      returning: 750,
      total: 1000,
      newShare: 0.25,
    });
    expect(revenueFigures(0, 0).newShare).toBeNull();
  });
});

describe('money', () => {
  it('reads Postgres numeric text', () => {
    expect(money('1234.50')).toBe(1234.5);
    expect(money('0.00')).toBe(0);
    expect(money(null)).toBe(0);
    expect(money(undefined)).toBe(0);
    expect(money('-12.34')).toBe(-12.34);
  });
});
