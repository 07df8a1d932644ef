import {
  decideManualCheckIn,
  RECENT_CHECK_IN_MS,
} from '../../../../src/mix/post-purchase/recent-check-in';

describe('a manual check-in after a recent one (24 hours)', () => {
  const now = new Date('2026-05-07T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

  it('is the 24 hours of the issue', () => {
    expect(RECENT_CHECK_IN_MS).toBe(24 * 3600_000);
  });

  it('goes out when there was none', () => {
    expect(decideManualCheckIn(null, now, false)).toEqual({ allow: true });
  });

  it.each([0, 1, 23, 23.99])('is refused %s hours after the last one', (h) => {
    expect(decideManualCheckIn(hoursAgo(h), now, false)).toEqual({
      allow: false,
      lastCreatedAt: hoursAgo(h),
      retryAfter: new Date(hoursAgo(h).getTime() + RECENT_CHECK_IN_MS),
    });
  });

  it.each([24, 25, 24 * 30])('goes out %s hours after the last one', (h) => {
    expect(decideManualCheckIn(hoursAgo(h), now, false)).toEqual({ allow: true });
  });

  it('goes out at once with force', () => {
    expect(decideManualCheckIn(hoursAgo(0), now, true)).toEqual({ allow: true });
  });

  it('treats a check-in dated in the future (clock skew) as recent', () => {
    expect(decideManualCheckIn(hoursAgo(-1), now, false)).toMatchObject({ allow: false });
  });
});
