import {
  percentileDisc,
  quintileBounds,
  scoreHigherIsBetter,
  scoreLowerIsBetter,
} from '../../../../src/analytics/value/quintiles';

describe('percentile_disc', () => {
  it('is the value at row ceil(p × n), counting from 1', () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]; // sorted: 1..10
    expect(percentileDisc(ten, 0.2)).toBe(2); // row 2
    expect(percentileDisc(ten, 0.5)).toBe(5); // row 5
    expect(percentileDisc(ten, 0.8)).toBe(8); // row 8
    const seven = [1, 2, 3, 4, 5, 6, 7];
    expect(percentileDisc(seven, 0.2)).toBe(2); // ceil(1.4) = row 2
    expect(percentileDisc(seven, 0.8)).toBe(6); // ceil(5.6) = row 6
  });

  it('is the only value of one, and null of none', () => {
    expect(percentileDisc([42], 0.2)).toBe(42);
    expect(percentileDisc([], 0.5)).toBeNull();
  });
});

describe('quintile scores', () => {
  const bounds = quintileBounds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!; // [2, 4, 6, 8]

  it('cut ten values into five pairs', () => {
    expect(bounds).toEqual([2, 4, 6, 8]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => scoreHigherIsBetter(v, bounds))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => scoreLowerIsBetter(v, bounds))).toEqual([
      5, 5, 4, 4, 3, 3, 2, 2, 1, 1,
    ]);
  });

  it('give equal values equal scores', () => {
    // 6 one-order customers, 2 with two orders, 2 with five: bounds [1, 1, 1, 2]
    const orders = [1, 1, 1, 1, 1, 1, 2, 2, 5, 5];
    const tied = quintileBounds(orders)!;
    expect(tied).toEqual([1, 1, 1, 2]);
    expect(orders.map((v) => scoreHigherIsBetter(v, tied))).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });

  it('score values outside the cohort at the ends', () => {
    expect(scoreHigherIsBetter(1000, bounds)).toBe(5);
    expect(scoreHigherIsBetter(-1, bounds)).toBe(1);
    expect(scoreLowerIsBetter(1000, bounds)).toBe(1);
  });

  it('without boundaries (an empty cohort), score as the lowest band of the cohort would', () => {
    expect(quintileBounds([])).toBeNull();
    expect(scoreHigherIsBetter(7, null)).toBe(1);
    expect(scoreLowerIsBetter(7, null)).toBe(5);
  });
});
