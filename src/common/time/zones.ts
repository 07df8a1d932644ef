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
  return timezone !== null && isValidTimezone(timezone)
    ? IANAZone.create(timezone)
    : FixedOffsetZone.utcInstance;
}
