/**
 * A column of timestamps for a multi-row statement, as ISO strings, each distinct instant
 * formatted once. The `pg` driver formats every Date on its own (local time with an offset,
 * ~0.8 µs each); a page of a rule run holds a thousand messages due at a handful of instants
 * (one per time zone), so most of that work was the same string made again.
 */
export function timestampParams(dates: readonly (Date | null | undefined)[]): (string | null)[] {
  const formatted = new Map<number, string>();
  return dates.map((date) => {
    if (!date) return null;
    const time = date.getTime();
    let text = formatted.get(time);
    if (text === undefined) {
      text = date.toISOString();
      formatted.set(time, text);
    }
    return text;
  });
}
