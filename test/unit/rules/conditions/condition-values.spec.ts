import { Duration } from 'luxon';
import {
  compareCodePoints,
  cutoffBefore,
  factInstant,
  factNumber,
  isStorableText,
  parseIsoInstant,
  parsePositiveDuration,
} from '../../../../src/rules/conditions/condition-values';

describe('compareCodePoints', () => {
  const sign = (n: number) => Math.sign(n);
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['a', 'ab', -1],
    ['', 'a', -1],
    ['Z', 'a', -1],
    ['é', 'z', 1],
    // UTF-16 would say U+1F600 (D83D DE00) < U+FF61; code points say the opposite.
    ['😀', '\uff61', 1],
    ['\uff61', '😀', -1],
    ['\u{10000}', '\uffff', 1],
    ['😀', '😁', -1],
    ['a😀', 'a😀b', -1],
    ['x😀', 'x\ue000', 1],
  ])('%p vs %p → %p', (a, b, expected) => {
    expect(sign(compareCodePoints(a, b))).toBe(expected);
  });

  it('agrees with sorting by code-point arrays', () => {
    const words = [
      'b',
      'a',
      '😀',
      '\uff61',
      '\u{10000}',
      'é',
      'e\u0301',
      '日本',
      'ab',
      '',
      '\ue000',
      'Z',
    ];
    const byCodePoints = [...words].sort((x, y) => {
      const [a, b] = [[...x].map((c) => c.codePointAt(0)!), [...y].map((c) => c.codePointAt(0)!)];
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
      return a.length - b.length;
    });
    expect([...words].sort(compareCodePoints)).toEqual(byCodePoints);
  });
});

describe('parseIsoInstant', () => {
  it.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-01-31T09:00Z', '2026-01-31T09:00:00.000Z'],
    ['2026-01-31T09:00:05Z', '2026-01-31T09:00:05.000Z'],
    ['2026-01-31T09:00:05.1Z', '2026-01-31T09:00:05.100Z'],
    ['2026-01-31T09:00:05.123999Z', '2026-01-31T09:00:05.123Z'],
    ['2026-01-31T14:30:00+05:30', '2026-01-31T09:00:00.000Z'],
    ['2026-01-31T00:00:00-14:00', '2026-01-31T14:00:00.000Z'],
  ])('%p is %p', (text, iso) => {
    expect(new Date(parseIsoInstant(text)!).toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-29',
    '2026-04-31',
    '2026-00-10',
    '2026-01-31T09:00',
    '2026-01-31T09:00:00',
    '2026-01-31T9:00Z',
    '2026-01-31T24:00Z',
    '2026-01-31T23:60Z',
    '2026-01-31T23:59:60Z',
    '2026-01-31T09:00+0530',
    '2026-01-31T09:00+15:00',
    '2026-01-31t09:00Z',
    '2026-01-31T09:00z',
    '2026-01-31T09:00:00,5Z',
    '+002026-01-31',
    '0999-12-31',
    '3000-01-01',
    '2026-031',
    '2026-W05',
    '20260131',
    '2026-01-31\n',
    '',
  ])('refuses %p', (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});

describe('factInstant', () => {
  it('reads Dates and ISO strings, offset-less ones as UTC', () => {
    expect(factInstant(new Date('2026-01-31T09:00:00Z'))).toBe(Date.UTC(2026, 0, 31, 9));
    expect(factInstant('2026-01-31T09:00:00')).toBe(Date.UTC(2026, 0, 31, 9));
    expect(factInstant(new Date('nope'))).toBeNull();
    expect(factInstant('soon')).toBeNull();
    expect(factInstant(1767225600000)).toBeNull();
  });
});

describe('factNumber', () => {
  it.each([
    [12.5, 12.5],
    ['12.50', 12.5],
    ['-0.01', -0.01],
    ['7', 7],
    ['1e3', null],
    [' 1', null],
    ['NaN', null],
    [Number.POSITIVE_INFINITY, null],
    [null, null],
    [true, null],
  ])('%p → %p', (value, expected) => {
    expect(factNumber(value)).toBe(expected);
  });
});

describe('parsePositiveDuration and cutoffBefore', () => {
  it.each(['P0D', 'PT0S', 'P-1D', 'P1DT-1H', 'P', 'PT', 'P1DT', 'p1d', 'P201Y', '1D'])(
    'refuses %p',
    (text) => {
      expect(parsePositiveDuration(text)).toBeNull();
    },
  );

  it.each([
    ['P30D', '2026-02-27T01:30:00.000Z'],
    ['PT12H', '2026-03-28T13:30:00.000Z'],
    ['P1M', '2026-02-28T01:30:00.000Z'],
    ['P1Y', '2025-03-29T01:30:00.000Z'],
    ['P2W', '2026-03-15T01:30:00.000Z'],
    ['PT0.5S', '2026-03-29T01:29:59.500Z'],
  ])('now − %s is %s (UTC calendar)', (text, iso) => {
    const now = new Date('2026-03-29T01:30:00.000Z');
    expect(cutoffBefore(now, parsePositiveDuration(text)!).toISOString()).toBe(iso);
  });

  it('keeps the cutoff to whole milliseconds', () => {
    const cutoff = cutoffBefore(
      new Date('2026-03-29T01:30:00.000Z'),
      Duration.fromObject({ milliseconds: 0.4 }),
    );
    expect(cutoff.getTime() % 1).toBe(0);
  });
});

describe('isStorableText', () => {
  it.each([
    ['plain', true],
    ['😀 日本 é', true],
    ['a\u0000b', false],
    ['\ud83d', false],
    ['x\ude00', false],
  ])('%j → %p', (text, expected) => {
    expect(isStorableText(text)).toBe(expected);
  });
});
