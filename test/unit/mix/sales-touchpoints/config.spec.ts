import { ConfigError, loadConfig } from '../../../../src/config/app-config';

describe('task configuration', () => {
  it('defaults: notices every 5 s, overdue checks every 30 s, escalation after P2D', () => {
    expect(loadConfig({}).tasks).toEqual({
      noticeIntervalMs: 5000,
      overdueIntervalMs: 30_000,
      escalationGrace: 'P2D',
    });
  });

  it('reads the variables', () => {
    const config = loadConfig({
      TASK_NOTICE_INTERVAL_MS: '200',
      TASK_OVERDUE_INTERVAL_MS: '300',
      TASK_ESCALATION_GRACE: 'PT1S',
      SALES_MANAGER_EMAIL: 'boss@example.com',
    });
    expect(config.tasks).toEqual({
      noticeIntervalMs: 200,
      overdueIntervalMs: 300,
      escalationGrace: 'PT1S',
    });
    expect(config.mail.salesManagerEmail).toBe('boss@example.com');
  });

  it.each(['2 days', 'P0D', '-P1D', 'P1.5D'])(
    'refuses TASK_ESCALATION_GRACE=%s by name',
    (value) => {
      expect(() => loadConfig({ TASK_ESCALATION_GRACE: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TASK_ESCALATION_GRACE: value })).toThrow(
        /TASK_ESCALATION_GRACE: must be a positive ISO-8601 duration/,
      );
    },
  );
});
