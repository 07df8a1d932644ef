import {
  cohortThresholds,
  customerFigures,
  customerValue,
} from '../../../../src/analytics/value/customer-value';
import { COHORT, EXPECTED, EXPECTED_THRESHOLDS, factsOf, NOW, SETTINGS } from './cohort.fixture';

/** The whole computation on the hand-worked cohort of cohort.fixture.ts. */
describe('customer value of a small cohort', () => {
  const figures = new Map(COHORT.map((c) => [c.id, customerFigures(factsOf(c), SETTINGS, NOW)]));
  const thresholds = cohortThresholds([...figures.values()], NOW);

  it('derives the boundaries from the customers with orders', () => {
    expect(thresholds).toEqual(EXPECTED_THRESHOLDS);
  });

  it.each(COHORT.map((c) => c.id))('customer %s', (id) => {
    const expected = EXPECTED[id];
    const value = customerValue(figures.get(id)!, thresholds, NOW);
    expect(figures.get(id)!.revenue).toBe(expected.revenue);
    expect(value).toEqual({
      grossMargin: expected.grossMargin,
      costToServe: expected.costToServe,
      clv: expected.clv,
      rfm: expected.rfm,
      segment: expected.segment,
      tier: expected.tier,
    });
  });
});
