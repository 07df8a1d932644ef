import { FixedOffsetZone, IANAZone, Zone } from 'luxon';

/**
 * Whether luxon (through Intl) knows the IANA zone. The same test decides the fallback in
 * `nextAllowedTime`, so a zone the validator accepts is the zone the delivery worker uses.
 */
export function isValidTimezone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    // Bounded, so profiles full of made-up zones cannot grow it without end.
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * luxon answers `isValidZone` by building an Intl.DateTimeFormat every time: over a million
 * customers of a schedule run that was half the worker's CPU and most of its memory (ICU
 * objects the garbage collector frees late). The zones of a database are few: remember them.
 */
const zoneValidity = new Map<string, boolean>();

/** The customer's zone, or UTC when it is missing or unknown (a profile may carry a typo). */
export function zoneOrUtc(timezone: string | null): Zone {
  if (timezone === null || !isValidTimezone(timezone)) return FixedOffsetZone.utcInstance;
  let zone = cachedZones.get(timezone);
  if (!zone) {
    zone = new MinuteCachedZone(timezone);
    cachedZones.set(timezone, zone);
  }
  return zone;
}

/** One per valid zone name, like luxon's own IANAZone.create (bounded by zoneValidity). */
const cachedZones = new Map<string, MinuteCachedZone>();

const MINUTE_MS = 60_000;
const OFFSETS_PER_ZONE = 4096;

/**
 * An IANA zone that remembers its UTC offset per minute. luxon asks Intl for the offset
 * (`formatToParts`) on every step of every date computation; that was 7–10 % of a worker's
 * CPU, for send times of events that mostly happen in the same few minutes. Offsets change
 * only at whole minutes (every transition since 1972 is on one), so the offset of a
 * minute's first millisecond is the offset of all of it. Otherwise it is luxon's IANAZone:
 * the same `type` and `name`, so formatting and `equals` treat it as the zone it wraps.
 */
class MinuteCachedZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    const minute = Math.floor(ts / MINUTE_MS);
    let offset = this.offsets.get(minute);
    if (offset === undefined) {
      offset = super.offset(minute * MINUTE_MS);
      if (this.offsets.size >= OFFSETS_PER_ZONE) this.offsets.clear();
      this.offsets.set(minute, offset);
    }
    return offset;
  }
}
