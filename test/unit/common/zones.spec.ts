import { IANAZone } from 'luxon';
import { zoneOrUtc } from '../../../src/common/time/zones';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Instants around the 2026 transitions of a few zones, minute by minute and ms by ms. */
function instantsAround(iso: string): number[] {
  const at = Date.parse(iso);
  const out: number[] = [];
  for (let t = at - 2 * HOUR; t <= at + 2 * HOUR; t += MINUTE) out.push(t - 1, t, t + 1);
  return out;
}

describe('zoneOrUtc', () => {
  it.each([
    // Spring forward and fall back in New York, Berlin and Lord Howe (a 30-minute change),
    // and Kathmandu's +05:45 (no DST) for an offset that is not whole hours.
    ['America/New_York', '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-11-01T06:00:00Z'],
    ['Europe/Berlin', '2026-03-29T01:00:00Z'],
    ['Europe/Berlin', '2026-10-25T01:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
    ['Asia/Kathmandu', '2026-06-01T00:00:00Z'],
  ])('answers the offsets of %s around %s as luxon does', (name, iso) => {
    const zone = zoneOrUtc(name);
    const reference = new IANAZone(name);
    const instants = instantsAround(iso);
    // Twice: the second pass is answered from the cache.
    for (let pass = 0; pass < 2; pass++) {
      for (const ts of instants) expect([ts, zone.offset(ts)]).toEqual([ts, reference.offset(ts)]);
    }
  });

  it('sees the change at the exact minute of a transition', () => {
    const zone = zoneOrUtc('America/New_York');
    const change = Date.parse('2026-03-08T07:00:00Z');
    expect(zone.offset(change - 1)).toBe(-300);
    expect(zone.offset(change)).toBe(-240);
  });

  it('is the zone it wraps for luxon: same type, name and equality', () => {
    const zone = zoneOrUtc('Europe/Berlin');
    expect(zone.type).toBe('iana');
    expect(zone.name).toBe('Europe/Berlin');
    expect(zone.equals(IANAZone.create('Europe/Berlin'))).toBe(true);
    expect(zoneOrUtc('Europe/Berlin')).toBe(zone);
  });

  it('falls back to UTC for a missing or unknown zone', () => {
    expect(zoneOrUtc(null).name).toBe('UTC');
    expect(zoneOrUtc('Mars/Olympus_Mons').name).toBe('UTC');
  });
});
