import { Duration } from 'luxon';
import {
  overdueActions,
  OverdueCandidate,
} from '../../../../src/mix/sales-touchpoints/overdue-tasks';

const NOW = new Date('2026-05-20T12:00:00Z');
const GRACE = Duration.fromISO('P2D');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);

type T = OverdueCandidate & { name: string };

const task = (name: string, overrides: Partial<OverdueCandidate> = {}): T => ({
  name,
  status: 'open',
  dueAt: hoursAgo(1),
  notifiedAt: hoursAgo(100),
  remindedAt: null,
  escalatedAt: null,
  notify: true,
  ...overrides,
});

const names = (list: T[]) => list.map((t) => t.name);

describe('overdueActions', () => {
  it('reminds the owner of an open task past due, once', () => {
    const { remind, escalate } = overdueActions(
      [task('due'), task('reminded', { remindedAt: hoursAgo(0.5) })],
      NOW,
      GRACE,
    );
    expect(names(remind)).toEqual(['due']);
    expect(escalate).toEqual([]);
  });

  it('does nothing for a task not yet due, or due exactly now', () => {
    const { remind, escalate } = overdueActions(
      [task('future', { dueAt: hoursAgo(-1) }), task('now', { dueAt: NOW })],
      NOW,
      GRACE,
    );
    expect(remind).toEqual([]);
    expect(escalate).toEqual([]);
  });

  it('escalates once the grace has passed, and only once', () => {
    const { remind, escalate } = overdueActions(
      [
        task('inside grace', { dueAt: hoursAgo(47), remindedAt: hoursAgo(40) }),
        task('exactly at grace', { dueAt: hoursAgo(48), remindedAt: hoursAgo(40) }),
        task('past grace', { dueAt: hoursAgo(49), remindedAt: hoursAgo(40) }),
        task('escalated', {
          dueAt: hoursAgo(100),
          remindedAt: hoursAgo(90),
          escalatedAt: hoursAgo(50),
        }),
      ],
      NOW,
      GRACE,
    );
    expect(remind).toEqual([]);
    expect(names(escalate)).toEqual(['past grace']);
  });

  it('reminds and escalates in one pass when both are due (the job was down)', () => {
    const { remind, escalate } = overdueActions(
      [task('late', { dueAt: hoursAgo(72) })],
      NOW,
      GRACE,
    );
    expect(names(remind)).toEqual(['late']);
    expect(names(escalate)).toEqual(['late']);
  });

  it('ignores completed and held-out tasks', () => {
    const { remind, escalate } = overdueActions(
      [
        task('completed', { status: 'completed', dueAt: hoursAgo(100) }),
        task('held out', { status: 'held_out', dueAt: hoursAgo(100), notifiedAt: null }),
      ],
      NOW,
      GRACE,
    );
    expect(remind).toEqual([]);
    expect(escalate).toEqual([]);
  });

  it('never reminds before the notice, nor when the rule keeps the owner’s inbox quiet; escalates anyway', () => {
    const { remind, escalate } = overdueActions(
      [
        task('not noticed yet', { notifiedAt: null, dueAt: hoursAgo(72) }),
        task('notify off', { notify: false, notifiedAt: null, dueAt: hoursAgo(72) }),
      ],
      NOW,
      GRACE,
    );
    expect(remind).toEqual([]);
    expect(names(escalate)).toEqual(['not noticed yet', 'notify off']);
  });

  it('counts a grace of seconds exactly (tests use PT1S)', () => {
    const grace = Duration.fromISO('PT1S');
    const due = new Date(NOW.getTime() - 1500);
    expect(names(overdueActions([task('a', { dueAt: due })], NOW, grace).escalate)).toEqual(['a']);
    const recent = new Date(NOW.getTime() - 500);
    expect(overdueActions([task('b', { dueAt: recent })], NOW, grace).escalate).toEqual([]);
  });

  it('counts a day of grace as 24 hours across a DST change (a task has no time zone)', () => {
    // 2026-03-29 is the European DST change: P1D on a Berlin wall clock would be 23 hours.
    const now = new Date('2026-03-30T01:00:00Z');
    const grace = Duration.fromISO('P1D');
    const escalated = (dueAt: string) =>
      overdueActions([task('x', { dueAt: new Date(dueAt) })], now, grace).escalate.length;
    expect(escalated('2026-03-29T00:59:00Z')).toBe(1);
    expect(escalated('2026-03-29T01:01:00Z')).toBe(0);
  });
});
