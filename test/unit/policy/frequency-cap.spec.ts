import {
  capCheck,
  FrequencyCap,
  parseFrequencyCap,
} from '../../../src/messaging/policy/frequency-cap';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('parseFrequencyCap', () => {
  it.each<[string, FrequencyCap]>([
    ['3/P7D,PT16H', { count: 3, windowMs: 7 * DAY, minGapMs: 16 * HOUR }],
    ['3/P7D', { count: 3, windowMs: 7 * DAY, minGapMs: 0 }],
    ['1/P1W,PT0S', { count: 1, windowMs: 7 * DAY, minGapMs: 0 }],
    ['10/PT12H,PT30M', { count: 10, windowMs: 12 * HOUR, minGapMs: 30 * 60_000 }],
    ['2/P1DT12H,PT1H30M', { count: 2, windowMs: 36 * HOUR, minGapMs: 90 * 60_000 }],
    [' 3/P7D,PT16H ', { count: 3, windowMs: 7 * DAY, minGapMs: 16 * HOUR }],
  ])('reads %p', (value, expected) => {
    expect(parseFrequencyCap(value)).toEqual(expected);
  });

  it('reads off as no cap', () => {
    expect(parseFrequencyCap('off')).toBeNull();
  });

  it.each([
    ['', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['3', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['OFF', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['3/P7D,', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['3/P7D,PT16H,PT1H', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['x/P7D', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['-1/P7D', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['3.5/P7D', 'must be COUNT/WINDOW[,MIN_GAP]'],
    ['0/P7D', 'count must be a whole number of at least 1 (use "off" for no cap)'],
    ['3/7D', 'window "7D" is not an ISO-8601 duration'],
    ['3/P', 'window "P" is not an ISO-8601 duration'],
    ['3/PT', 'window "PT" is not an ISO-8601 duration'],
    ['3/P1DT', 'window "P1DT" is not an ISO-8601 duration'],
    ['3/P7D,16h', 'minimum gap "16h" is not an ISO-8601 duration'],
    ['3/P1M', 'window "P1M" uses months, which have no fixed length'],
    ['3/P1Y,PT1H', 'window "P1Y" uses years, which have no fixed length'],
    ['3/P0D', 'window must be longer than zero'],
    ['3/-P1D', 'window "-P1D" must not be negative'],
    ['3/P7D,-PT1H', 'minimum gap "-PT1H" must not be negative'],
  ])('refuses %p: %s', (value, message) => {
    expect(() => parseFrequencyCap(value)).toThrow(message);
  });

  it('quotes the whole setting in the error, for the config loader to show', () => {
    expect(() => parseFrequencyCap('3/P1M,PT16H')).toThrow(/got "3\/P1M,PT16H"$/);
  });
});

describe('capCheck', () => {
  const CAP: FrequencyCap = { count: 3, windowMs: 7 * DAY, minGapMs: 16 * HOUR };
  const NOW = new Date('2026-06-10T12:00:00.000Z');
  const dates = (...isos: string[]) => isos.map((iso) => new Date(iso));
  const earliestOf = (result: ReturnType<typeof capCheck>) =>
    result.allowed ? 'allowed' : result.earliest.toISOString();

  it('allows anything without a cap', () => {
    const sends = dates('2026-06-10T11:59:59.999Z', '2026-06-10T11:00:00Z', '2026-06-10T10:00:00Z');
    expect(capCheck(null, sends, NOW)).toEqual({ allowed: true });
  });

  it('allows the first message', () => {
    expect(capCheck(CAP, [], NOW)).toEqual({ allowed: true });
  });

  describe('minimum gap', () => {
    it('allows a send exactly the gap after the last one', () => {
      expect(capCheck(CAP, dates('2026-06-09T20:00:00.000Z'), NOW)).toEqual({ allowed: true });
    });

    it('holds a send 1 ms short of the gap until the gap is over', () => {
      const result = capCheck(CAP, dates('2026-06-09T20:00:00.001Z'), NOW);
      expect(earliestOf(result)).toBe('2026-06-10T12:00:00.001Z'); // last + 16 h
    });

    it('counts from the latest send whatever the order', () => {
      const sends = dates('2026-06-01T12:00:00Z', '2026-06-10T02:00:00Z', '2026-06-08T12:00:00Z');
      expect(earliestOf(capCheck(CAP, sends, NOW))).toBe('2026-06-10T18:00:00.000Z'); // 02:00 + 16 h
    });

    it('counts a send stamped after now (a worker clock ahead) as the latest', () => {
      const result = capCheck(CAP, dates('2026-06-10T12:00:01.000Z'), NOW);
      expect(earliestOf(result)).toBe('2026-06-11T04:00:01.000Z');
    });

    it('does not apply without a gap', () => {
      const noGap = { ...CAP, minGapMs: 0 };
      expect(capCheck(noGap, dates('2026-06-10T12:00:00.000Z'), NOW)).toEqual({ allowed: true });
    });
  });

  describe('rolling window', () => {
    it('holds the (count+1)th send until the oldest of the last count leaves the window', () => {
      const sends = dates('2026-06-04T12:00:00Z', '2026-06-06T12:00:00Z', '2026-06-08T12:00:00Z');
      expect(earliestOf(capCheck(CAP, sends, NOW))).toBe('2026-06-11T12:00:00.000Z'); // 06-04 + 7 d
    });

    it('no longer counts a send exactly one window old', () => {
      const sends = dates(
        '2026-06-03T12:00:00.000Z',
        '2026-06-06T12:00:00Z',
        '2026-06-08T12:00:00Z',
      );
      expect(capCheck(CAP, sends, NOW)).toEqual({ allowed: true });
    });

    it('still counts a send 1 ms younger than the window', () => {
      const sends = dates(
        '2026-06-03T12:00:00.001Z',
        '2026-06-06T12:00:00Z',
        '2026-06-08T12:00:00Z',
      );
      expect(earliestOf(capCheck(CAP, sends, NOW))).toBe('2026-06-10T12:00:00.001Z');
    });

    it('uses the count-th most recent send, not the oldest, when more than count are in the window', () => {
      const sends = dates(
        '2026-06-09T12:00:00Z',
        '2026-06-04T00:00:00Z',
        '2026-06-08T12:00:00Z',
        '2026-06-05T00:00:00Z',
        '2026-06-07T12:00:00Z',
      );
      // Most recent first: 06-09, 06-08, 06-07 ← third → 06-07 12:00 + 7 d.
      expect(earliestOf(capCheck(CAP, sends, NOW))).toBe('2026-06-14T12:00:00.000Z');
    });

    it('ignores sends older than the window', () => {
      const sends = dates('2026-05-01T00:00:00Z', '2026-05-20T00:00:00Z', '2026-06-01T00:00:00Z');
      expect(capCheck(CAP, sends, NOW)).toEqual({ allowed: true });
    });

    it('caps at one per day without a gap', () => {
      const onePerDay: FrequencyCap = { count: 1, windowMs: DAY, minGapMs: 0 };
      const result = capCheck(onePerDay, dates('2026-06-09T13:00:00Z'), NOW);
      expect(earliestOf(result)).toBe('2026-06-10T13:00:00.000Z');
    });
  });

  describe('both limits', () => {
    it('waits for the window when it frees later than the gap', () => {
      const sends = dates('2026-06-10T11:00:00Z', '2026-06-08T12:00:00Z', '2026-06-07T12:00:00Z');
      // gap: 11:00 + 16 h = 06-11 03:00; window: 06-07 12:00 + 7 d = 06-14 12:00.
      expect(earliestOf(capCheck(CAP, sends, NOW))).toBe('2026-06-14T12:00:00.000Z');
    });

    it('waits for the gap when it ends later than the window frees', () => {
      const sends = dates('2026-06-10T11:00:00Z', '2026-06-08T12:00:00Z', '2026-06-03T13:00:00Z');
      // gap: 06-11 03:00; window: 06-03 13:00 + 7 d = 06-10 13:00.
      expect(earliestOf(capCheck(CAP, sends, NOW))).toBe('2026-06-11T03:00:00.000Z');
    });

    it('gives an earliest moment at which the check passes, and not a ms before', () => {
      const sends = dates('2026-06-10T11:00:00Z', '2026-06-08T12:00:00Z', '2026-06-07T12:00:00Z');
      const result = capCheck(CAP, sends, NOW);
      if (result.allowed) throw new Error('expected the cap to hold the message');
      expect(capCheck(CAP, sends, result.earliest)).toEqual({ allowed: true });
      const justBefore = new Date(result.earliest.getTime() - 1);
      expect(capCheck(CAP, sends, justBefore).allowed).toBe(false);
    });
  });

  it('does not reorder the caller’s array', () => {
    const sends = dates('2026-06-05T12:00:00Z', '2026-06-10T02:00:00Z', '2026-06-08T12:00:00Z');
    const before = sends.map((date) => date.toISOString());
    capCheck(CAP, sends, NOW);
    expect(sends.map((date) => date.toISOString())).toEqual(before);
  });

  it('refuses an invalid send date instead of not counting it', () => {
    expect(() => capCheck(CAP, [new Date('nope')], NOW)).toThrow(
      'recentSends contains an invalid Date',
    );
  });

  it('refuses an invalid now', () => {
    expect(() => capCheck(CAP, [], new Date('nope'))).toThrow('`now` is an invalid Date');
  });
});
