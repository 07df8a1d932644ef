/**
 * Which scheduled messages have a `deliver` job in Redis. A delayed job for a message due
 * tomorrow only holds Redis memory (Redis runs with noeviction) and costs the scheduling run
 * a write, so a message gets its job at scheduling time only when it is due within the
 * horizon; the promoter adds the others' jobs as their time comes closer.
 */

/** True when a message due at `sendAt` gets its job now, at scheduling time. */
export function dueWithinHorizon(sendAt: Date, now: number, horizonMs: number): boolean {
  return sendAt.getTime() <= now + horizonMs;
}

/** Splits messages into those queued now and those left to the promoter. */
export function splitByHorizon<T extends { sendAt: Date }>(
  messages: T[],
  now: number,
  horizonMs: number,
): { queueNow: T[]; later: T[] } {
  const queueNow: T[] = [];
  const later: T[] = [];
  for (const message of messages) {
    (dueWithinHorizon(message.sendAt, now, horizonMs) ? queueNow : later).push(message);
  }
  return { queueNow, later };
}

/**
 * How far ahead the promoter adds jobs: half the horizon. A message the scheduling side left
 * without a job was due more than a whole horizon after its rows had committed, by the
 * scheduling process's clock. The promoter only reaches half a horizon ahead, so when it
 * passes a send time, that message's row has been committed for at least half a horizon: no
 * snapshot the promoter reads can miss it, even if the enqueue took its `now` while a long
 * transaction was still open or the two hosts' clocks differ (by less than half a horizon).
 * And a row the promoter could not see yet (committed after its read) is due within the
 * scheduling side's full horizon, so that side queued it itself.
 */
export function promotionBound(now: number, horizonMs: number): Date {
  return new Date(now + Math.floor(horizonMs / 2));
}

/**
 * How often the promoter runs: a quarter of the horizon, at most a minute, so that each
 * message is promoted well before it is due (at least a quarter horizon ahead) even when a
 * pass or two is missed.
 */
export function promotionIntervalMs(horizonMs: number): number {
  return Math.max(100, Math.min(60_000, Math.floor(horizonMs / 4)));
}

/**
 * The watermark after a page of promoted messages, read in send-time order: every message due
 * after it and by the bound still needs promoting. A full page may stop in the middle of
 * messages sharing one send time (a run's million messages often share it), so the watermark
 * stops a millisecond before the page's last send time and that instant is read again if the
 * pass stops there (BullMQ ignores a job id it already has). Send times come from Postgres in
 * microseconds and reach us cut to milliseconds, which only moves the watermark earlier. A
 * page that ended the read covered everything up to the bound.
 */
export function watermarkAfterPage(page: { sendAt: Date }[], pageSize: number, bound: Date): Date {
  if (page.length < pageSize) return bound;
  return new Date(page[page.length - 1].sendAt.getTime() - 1);
}
