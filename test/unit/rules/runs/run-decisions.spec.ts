import { writesInPageOrder } from '../../../../src/rules/runs/page-order';
import { runRefusal } from '../../../../src/rules/runs/run-refusal';
import { schedulerSpec } from '../../../../src/rules/schedules/scheduler-spec';
import { tickTime } from '../../../../src/rules/schedules/rule-tick.processor';

describe('runRefusal', () => {
  it('lets active schedule and manual rules run', () => {
    expect(runRefusal({ status: 'active', trigger_type: 'manual' })).toBeNull();
    expect(runRefusal({ status: 'active', trigger_type: 'schedule' })).toBeNull();
  });

  it('refuses event rules, and rules that are not active', () => {
    expect(runRefusal({ status: 'active', trigger_type: 'event' })).toMatch(/event rule/);
    expect(runRefusal({ status: 'paused', trigger_type: 'manual' })).toMatch(/paused/);
    expect(runRefusal({ status: 'draft', trigger_type: 'schedule' })).toMatch(/draft/);
  });
});

describe('writesInPageOrder', () => {
  it('writes task rules page after page: one task per account spans pages', () => {
    const task = {
      type: 'task' as const,
      title: 'Review {{account.name}}',
      dueIn: 'P14D',
      assignTo: 'account-owner' as const,
      notify: true,
    };
    expect(writesInPageOrder({ action: task })).toBe(true);
  });

  it('lets email rules write pages side by side: their rows are per customer', () => {
    for (const to of ['customer', 'account-owner', 'account-stakeholders'] as const) {
      expect(writesInPageOrder({ action: { type: 'email', template: 'x.y', to } })).toBe(false);
    }
  });
});

describe('schedulerSpec', () => {
  const schedule = { type: 'schedule' as const, cron: '0 9 * * 1', timezone: 'Europe/Berlin' };

  it('gives an active schedule rule its cron and zone', () => {
    expect(schedulerSpec({ status: 'active', definition: { trigger: schedule } })).toEqual({
      pattern: '0 9 * * 1',
      tz: 'Europe/Berlin',
    });
  });

  it('gives no scheduler to paused or draft rules, nor to other triggers', () => {
    expect(schedulerSpec({ status: 'paused', definition: { trigger: schedule } })).toBeNull();
    expect(schedulerSpec({ status: 'draft', definition: { trigger: schedule } })).toBeNull();
    expect(
      schedulerSpec({ status: 'active', definition: { trigger: { type: 'manual' } } }),
    ).toBeNull();
    expect(
      schedulerSpec({ status: 'active', definition: { trigger: { type: 'event', event: 'x.y' } } }),
    ).toBeNull();
  });
});

describe('tickTime', () => {
  it('is the instant the scheduler planned the tick for, not when a worker took it', () => {
    expect(
      tickTime({
        opts: { prevMillis: Date.UTC(2026, 2, 2, 8) },
        timestamp: Date.UTC(2026, 2, 2, 7, 59, 59, 120),
      }),
    ).toEqual(new Date('2026-03-02T08:00:00Z'));
  });

  it('falls back to when the job was added for a job not made by a scheduler', () => {
    expect(tickTime({ opts: {}, timestamp: 1_700_000_000_123 })).toEqual(
      new Date(1_700_000_000_123),
    );
  });
});
