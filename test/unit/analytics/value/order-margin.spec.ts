import { grossMargin, lineMargin } from '../../../../src/analytics/value/order-margin';

describe('gross margin', () => {
  it("uses the product's margin, else the default", () => {
    // 2 × 50.00 × 0.40 = 40.00 (product margin); 3 × 10.00 × 0.30 = 9.00 (default)
    expect(lineMargin({ quantity: 2, unitPrice: 50, productMargin: 0.4 }, 0.3)).toBeCloseTo(40, 10);
    expect(lineMargin({ quantity: 3, unitPrice: 10, productMargin: null }, 0.3)).toBeCloseTo(9, 10);
  });

  it('sums the lines and rounds once, at the end', () => {
    // Each line: 1 × 19.99 × 0.25 = 4.9975.
    // Two lines: 9.995 → 10.00 (half a cent goes up, as Postgres's round does).
    // Three lines: 14.9925 → 14.99, where rounding each line first would give 3 × 5.00 = 15.00.
    const line = { quantity: 1, unitPrice: 19.99, productMargin: 0.25 };
    expect(grossMargin([line, line], 0.3)).toBe(10);
    expect(grossMargin([line, line, line], 0.3)).toBe(14.99);
  });

  it('is 0 without lines, and a 0 margin product earns nothing', () => {
    expect(grossMargin([], 0.3)).toBe(0);
    expect(grossMargin([{ quantity: 5, unitPrice: 100, productMargin: 0 }], 0.3)).toBe(0);
  });
});
