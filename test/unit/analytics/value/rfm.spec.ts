import { recencyDays, rfmScores, rfmSegment } from '../../../../src/analytics/value/rfm';

const NOW = new Date('2026-03-01T12:00:00Z');
const daysBefore = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe('recency', () => {
  it('counts whole days since the last order, rounded down', () => {
    expect(recencyDays(daysBefore(0.5), NOW)).toBe(0);
    expect(recencyDays(daysBefore(1), NOW)).toBe(1);
    expect(recencyDays(daysBefore(45.9), NOW)).toBe(45);
  });
});

describe('RFM scores', () => {
  // A cohort of ten: days since last order 1..10 ×10, orders 1..10, revenue 100..1000.
  const bounds = {
    recencyDays: [20, 40, 60, 80] as const,
    frequency: [2, 4, 6, 8] as const,
    monetary: [200, 400, 600, 800] as const,
  };

  it('scores recency lower-is-better and frequency and monetary higher-is-better', () => {
    // 15 days (below 20) → R 5; 7 orders (above 2, 4, 6) → F 4; 250.00 (above 200) → M 2
    expect(
      rfmScores(
        { orders: 7, revenue: 250, firstOrderAt: daysBefore(400), lastOrderAt: daysBefore(15) },
        bounds,
        NOW,
      ),
    ).toEqual({ recency: 5, frequency: 4, monetary: 2 });
    // 81 days (above all four) → R 1; 2 orders (not above 2) → F 1; 800.00 (not above 800) → M 4
    expect(
      rfmScores(
        { orders: 2, revenue: 800, firstOrderAt: daysBefore(400), lastOrderAt: daysBefore(81) },
        bounds,
        NOW,
      ),
    ).toEqual({ recency: 1, frequency: 1, monetary: 4 });
  });

  it('gives no scores without orders', () => {
    expect(
      rfmScores({ orders: 0, revenue: 0, firstOrderAt: null, lastOrderAt: null }, bounds, NOW),
    ).toBeNull();
  });
});

describe('RFM segments', () => {
  const old = { orders: 5, firstOrderAt: daysBefore(300) };
  const seg = (recency: number, frequency: number, monetary: number, input = old) =>
    rfmSegment({ recency, frequency, monetary }, input, NOW);

  it('new: one order within the last 30 days, whatever the scores', () => {
    expect(seg(5, 1, 1, { orders: 1, firstOrderAt: daysBefore(30) })).toBe('new');
    expect(seg(5, 5, 5, { orders: 1, firstOrderAt: daysBefore(2) })).toBe('new');
    // 31 days ago, or a second order: judged by the scores
    expect(seg(4, 1, 1, { orders: 1, firstOrderAt: daysBefore(31) })).toBe('potential');
    expect(seg(5, 2, 1, { orders: 2, firstOrderAt: daysBefore(3) })).toBe('potential');
  });

  it('champions: R, F and M all 4 or more', () => {
    expect(seg(4, 4, 4)).toBe('champions');
    expect(seg(5, 5, 5)).toBe('champions');
  });

  it('at-risk: R 2 or less with F 3 or more — before loyal', () => {
    expect(seg(2, 3, 1)).toBe('at-risk');
    expect(seg(1, 5, 5)).toBe('at-risk');
  });

  it('loyal: F 4 or more (recent enough not to be at risk, not a champion)', () => {
    expect(seg(3, 4, 5)).toBe('loyal');
    expect(seg(5, 5, 3)).toBe('loyal');
  });

  it('potential: R 4 or more, not frequent yet', () => {
    expect(seg(4, 3, 5)).toBe('potential');
    expect(seg(5, 1, 1)).toBe('potential');
  });

  it('hibernating: everyone else with orders', () => {
    expect(seg(3, 3, 3)).toBe('hibernating');
    expect(seg(2, 2, 5)).toBe('hibernating');
    expect(seg(1, 1, 1)).toBe('hibernating');
  });

  it('none without orders', () => {
    expect(rfmSegment(null, { orders: 0, firstOrderAt: null }, NOW)).toBeNull();
  });
});
