import fc from 'fast-check';
import {
  dueWithinHorizon,
  promotionBound,
  promotionIntervalMs,
  splitByHorizon,
  watermarkAfterPage,
} from '../../../src/messaging/delivery/deliver-horizon';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs);

describe('dueWithinHorizon / splitByHorizon', () => {
  it('queues what is due by now + horizon, the horizon itself included, and leaves the rest', () => {
    expect(dueWithinHorizon(at(-5_000), NOW, HOUR)).toBe(true);
    expect(dueWithinHorizon(at(HOUR), NOW, HOUR)).toBe(true);
    expect(dueWithinHorizon(at(HOUR + 1), NOW, HOUR)).toBe(false);
    const messages = [
      { id: 'overdue', sendAt: at(-1) },
      { id: 'now', sendAt: at(0) },
      { id: 'in-59-min', sendAt: at(59 * 60_000) },
      { id: 'tomorrow', sendAt: at(24 * HOUR) },
      { id: 'in-61-min', sendAt: at(61 * 60_000) },
    ];
    const { queueNow, later } = splitByHorizon(messages, NOW, HOUR);
    expect(queueNow.map((m) => m.id)).toEqual(['overdue', 'now', 'in-59-min']);
    expect(later.map((m) => m.id)).toEqual(['tomorrow', 'in-61-min']);
  });
});

describe('promotionBound / promotionIntervalMs', () => {
  it('reaches half a horizon ahead', () => {
    expect(promotionBound(NOW, HOUR)).toEqual(at(HOUR / 2));
    expect(promotionBound(NOW, 2_001)).toEqual(at(1_000));
  });

  it('runs every quarter horizon, at most every minute, at least every 100 ms', () => {
    expect(promotionIntervalMs(HOUR)).toBe(60_000);
    expect(promotionIntervalMs(2_000)).toBe(500);
    expect(promotionIntervalMs(200_000)).toBe(50_000);
    expect(promotionIntervalMs(1_000)).toBe(250);
    expect(promotionIntervalMs(1)).toBe(100);
  });
});

describe('watermarkAfterPage', () => {
  const bound = at(HOUR / 2);

  it('covers everything up to the bound after the last (short or empty) page', () => {
    expect(watermarkAfterPage([], 3, bound)).toEqual(bound);
    expect(watermarkAfterPage([{ sendAt: at(10) }, { sendAt: at(20) }], 3, bound)).toEqual(bound);
  });

  it('stops a millisecond before the last send time of a full page, which may go on', () => {
    const page = [{ sendAt: at(10) }, { sendAt: at(20) }, { sendAt: at(20) }];
    expect(watermarkAfterPage(page, 3, bound)).toEqual(at(19));
  });
});

/**
 * A model of the whole scheme: rows commit, their scheduling side decides (perhaps with a
 * clock that runs behind the commit) and adds jobs after the commit, and promoter passes
 * read only committed rows, in send-time order and pages, moving the watermark; a pass may
 * die after a few pages (not two in a row). Every message must get its job no later than its send
 * time (or at its scheduling, if that is later), with many messages sharing send times and
 * pages that end inside them.
 */
describe('scheduling side and promoter together', () => {
  const horizon = 4_000;
  const interval = promotionIntervalMs(horizon);
  /** A send time after the commit, or one of a few instants that many messages share. */
  const sendTimes = fc.oneof(
    fc.record({ afterCommit: fc.integer({ min: -horizon, max: 4 * horizon }) }),
    fc.record({ at: fc.constantFrom(5 * horizon, 5 * horizon + 1, 8 * horizon) }),
  );
  const message = fc.record({
    commitAt: fc.integer({ min: 0, max: 6 * horizon }),
    send: sendTimes,
    /** How far the scheduling side's `now` lags the commit (a long transaction, clock skew). */
    clockLag: fc.integer({ min: 0, max: horizon / 2 - 1 }),
    /** How long after the commit the jobs are added. */
    addDelay: fc.integer({ min: 0, max: 200 }),
  });

  it('gives every message its job by its send time', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: interval - 1 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 8 }),
        (specs, pageSize, firstTick, pagesBeforeDying) => {
          const messages = specs.map((spec, id) => ({
            id,
            commitAt: spec.commitAt,
            sendAt: new Date(
              'at' in spec.send ? spec.send.at : spec.commitAt + spec.send.afterCommit,
            ),
            decidedAt: spec.commitAt - spec.clockLag,
            addedAt: spec.commitAt + spec.addDelay,
          }));
          const jobAt = new Map<number, number>();
          const addJob = (id: number, t: number) => {
            if (!jobAt.has(id)) jobAt.set(id, t);
          };
          const end = 12 * horizon;
          // Scheduling side: its decision, then its add (after the commit).
          const queuedBySchedulers = messages.filter((m) =>
            dueWithinHorizon(m.sendAt, m.decidedAt, horizon),
          );
          let watermark = new Date(-1e12);
          let previousDied = false;
          for (let pass = 0, t = firstTick; t < end; pass++, t += interval) {
            // A pass may die after some pages, but not two in a row.
            const dies: number | null = previousDied
              ? null
              : pagesBeforeDying[pass % pagesBeforeDying.length];
            previousDied = dies !== null;
            const dieAfter = dies ?? Infinity;
            for (const m of queuedBySchedulers) if (m.addedAt <= t) addJob(m.id, m.addedAt);
            const bound = promotionBound(t, horizon);
            // The pass's snapshot: rows committed by its read; in send-time order, ties in any order.
            const due = messages
              .filter((m) => m.commitAt <= t && m.sendAt > watermark && m.sendAt <= bound)
              .sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime() || b.id - a.id);
            for (let i = 0, pages = 0; pages < dieAfter; i += pageSize, pages++) {
              const page = due.slice(i, i + pageSize);
              for (const m of page) addJob(m.id, t);
              const next = watermarkAfterPage(page, pageSize, bound);
              if (next > watermark) watermark = next;
              if (page.length < pageSize) break;
            }
          }
          for (const m of queuedBySchedulers) addJob(m.id, m.addedAt);
          for (const m of messages) {
            const added = jobAt.get(m.id);
            if (added === undefined) return false;
            if (added > Math.max(m.sendAt.getTime(), m.addedAt)) return false;
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });
});
