import {
  liftOf,
  MIN_CONVERSIONS,
  MIN_GROUP,
  standardNormalCdf,
  twoProportionPValue,
} from '../../../src/analytics/lift';

describe('standardNormalCdf', () => {
  it.each([
    [0, 0.5],
    [1, 0.841344746],
    [-1, 0.158655254],
    [1.959963985, 0.975],
    [-1.959963985, 0.025],
    [3, 0.998650102],
  ])('Φ(%d) = %d (to 1e-7, the approximation’s error)', (x, expected) => {
    expect(Math.abs(standardNormalCdf(x) - expected)).toBeLessThan(1.5e-7);
  });
});

describe('twoProportionPValue', () => {
  it('120 of 1000 treated against 80 of 1000 held out', () => {
    // Worked out by hand:
    //   p1 = 0.12, p2 = 0.08, pooled p = 200 / 2000 = 0.1
    //   se = sqrt(0.1 × 0.9 × (1/1000 + 1/1000)) = sqrt(0.00018) = 0.0134164079
    //   z = (0.12 − 0.08) / 0.0134164079 = 2.9814239700
    //   p = 2 × (1 − Φ(2.98142397)) = erfc(2.98142397 / √2) = 0.0028691128
    const p = twoProportionPValue(
      { customers: 1000, conversions: 120 },
      { customers: 1000, conversions: 80 },
    );
    expect(p).toBeCloseTo(0.0028691128, 6);
  });

  it('the same rates on a tenth of the customers are not significant', () => {
    // 12/100 vs 8/100: se = sqrt(0.1 × 0.9 × 2/100) = 0.0424264069, z = 0.9428090416,
    // p = erfc(0.9428090416 / √2) = 0.3457785862.
    const p = twoProportionPValue(
      { customers: 100, conversions: 12 },
      { customers: 100, conversions: 8 },
    );
    expect(p).toBeCloseTo(0.3457785862, 6);
  });

  it('is symmetric: which group is first does not matter for a two-sided test', () => {
    const a = { customers: 400, conversions: 50 };
    const b = { customers: 300, conversions: 20 };
    expect(twoProportionPValue(a, b)).toBeCloseTo(twoProportionPValue(b, a)!, 12);
  });

  it('is 1 when the rates are equal', () => {
    expect(
      twoProportionPValue({ customers: 200, conversions: 20 }, { customers: 100, conversions: 10 }),
    ).toBeCloseTo(1, 6);
  });

  it('is undefined for an empty group, or when nobody (or everybody) converted', () => {
    expect(
      twoProportionPValue({ customers: 0, conversions: 0 }, { customers: 10, conversions: 1 }),
    ).toBeNull();
    expect(
      twoProportionPValue({ customers: 50, conversions: 0 }, { customers: 50, conversions: 0 }),
    ).toBeNull();
    expect(
      twoProportionPValue({ customers: 50, conversions: 50 }, { customers: 50, conversions: 50 }),
    ).toBeNull();
  });
});

describe('liftOf', () => {
  it('rates, relative lift and p-value of 120/1000 against 80/1000, no warning', () => {
    // Rates 0.12 and 0.08; lift = (0.12 − 0.08) / 0.08 = 0.5 (treated converted 50 % more).
    expect(
      liftOf({ customers: 1000, conversions: 120 }, { customers: 1000, conversions: 80 }),
    ).toEqual({
      treatedRate: 0.12,
      holdoutRate: 0.08,
      lift: expect.closeTo(0.5, 12),
      pValue: expect.closeTo(0.0028691128, 6),
      warning: null,
    });
  });

  it('a negative lift when the held-out group did better', () => {
    // 30/300 = 0.1 against 20/100 = 0.2: lift = (0.1 − 0.2) / 0.2 = −0.5.
    const result = liftOf({ customers: 300, conversions: 30 }, { customers: 100, conversions: 20 });
    expect(result.lift).toBeCloseTo(-0.5, 12);
    expect(result.warning).toBeNull();
  });

  it('no lift without a holdout, and says so', () => {
    expect(liftOf({ customers: 500, conversions: 40 }, { customers: 0, conversions: 0 })).toEqual({
      treatedRate: 0.08,
      holdoutRate: null,
      lift: null,
      pValue: null,
      warning: 'no holdout group: lift cannot be measured',
    });
  });

  it('no lift when the held-out group never converted (a ratio to zero)', () => {
    const result = liftOf({ customers: 100, conversions: 10 }, { customers: 100, conversions: 0 });
    expect(result).toMatchObject({ treatedRate: 0.1, holdoutRate: 0, lift: null });
    // p is still defined: pooled 10/200 = 0.05, se = sqrt(0.05 × 0.95 × 0.02) = 0.0308220700,
    // z = 0.1 / 0.0308220700 = 3.2444284226, p = erfc(z / √2) = 0.0011768659.
    expect(result.pValue).toBeCloseTo(0.0011768659, 6);
  });

  it(`warns when a group has fewer than ${MIN_GROUP} customers`, () => {
    const result = liftOf(
      { customers: MIN_GROUP - 1, conversions: 20 },
      { customers: 500, conversions: 50 },
    );
    expect(result.warning).toBe('groups too small to tell (each needs at least 30 customers)');
    expect(result.lift).not.toBeNull();
  });

  it(`warns with fewer than ${MIN_CONVERSIONS} conversions in all, not at exactly ${MIN_CONVERSIONS}`, () => {
    const few = liftOf({ customers: 100, conversions: 6 }, { customers: 100, conversions: 3 });
    expect(few.warning).toBe('too few conversions to tell (fewer than 10)');
    const enough = liftOf({ customers: 100, conversions: 7 }, { customers: 100, conversions: 3 });
    expect(enough.warning).toBeNull();
  });

  it(`does not warn at exactly ${MIN_GROUP} customers each`, () => {
    expect(
      liftOf({ customers: 30, conversions: 10 }, { customers: 30, conversions: 5 }).warning,
    ).toBeNull();
  });

  it('has no rate for an empty treated group', () => {
    expect(liftOf({ customers: 0, conversions: 0 }, { customers: 40, conversions: 4 })).toEqual({
      treatedRate: null,
      holdoutRate: 0.1,
      lift: null,
      pValue: null,
      warning: 'groups too small to tell (each needs at least 30 customers)',
    });
  });
});
