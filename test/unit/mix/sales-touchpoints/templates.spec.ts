import { loadConfig } from '../../../../src/config/app-config';
import { readDefaultTemplates } from '../../../../src/messaging/templates/default-templates.loader';
import { TemplateEnvironment } from '../../../../src/messaging/templates/handlebars-env';
import { sampleContext } from '../../../../src/messaging/templates/template-context';
import { TemplateRenderer } from '../../../../src/messaging/templates/template-renderer';
import { TemplateStore } from '../../../../src/messaging/templates/template-store';
import {
  DigestTask,
  digestsByAssignee,
  escalationDigest,
} from '../../../../src/mix/sales-touchpoints/task-digests';

const env = new TemplateEnvironment();
const defaults = readDefaultTemplates(env);
const renderer = new TemplateRenderer(
  {
    latestVersion: (key: string) => Promise.resolve(defaults.some((d) => d.key === key) ? 1 : null),
    find: (key: string) => {
      const found = defaults.find((d) => d.key === key);
      return Promise.resolve(
        found && { ...found, text: null, version: 1, createdBy: 'default', createdAt: new Date() },
      );
    },
  } as unknown as TemplateStore,
  env,
  loadConfig({}),
);

const BASE = 'https://mix.example.com';
const NOW = new Date('2026-05-20T12:00:00Z');
const task = (
  id: string,
  title: string,
  assigneeName: string | null,
  email: string,
): DigestTask => ({
  id,
  title,
  dueAt: new Date('2026-05-18T09:00:00Z'),
  assigneeEmail: email,
  assigneeName,
  accountName: 'Northwind Traders',
  customerName: 'Jane Doe',
});

/** What the delivery worker renders for a digest: the module's context plus the company. */
const contextOf = (request: { context?: Record<string, unknown> }) => ({
  company: sampleContext().company,
  ...request.context,
});

describe('sales-touchpoints staff emails', () => {
  it('task notice greets the rep by name and links each task', async () => {
    const [digest] = digestsByAssignee(
      'task-notice',
      [task('t-1', 'Value review with Northwind', 'Sam Rivera', 'sam@example.com')],
      BASE,
      NOW,
    );
    const out = await renderer.render(digest.templateKey, contextOf(digest));
    expect(out.subject).toBe('1 customer task for you');
    expect(out.text).toContain('Hello Sam Rivera,');
    expect(out.html).toContain(`href="${BASE}/v1/tasks/t-1"`);
    expect(out.text).toContain('Value review with Northwind');
    expect(out.text).not.toContain('unsubscribe');
  });

  it('task reminder names the one overdue task in the subject, counts several', async () => {
    const one = digestsByAssignee(
      'task-reminder',
      [task('t-1', 'Value review with Northwind', 'Sam Rivera', 'sam@example.com')],
      BASE,
      NOW,
    )[0];
    const single = await renderer.render(one.templateKey, contextOf(one));
    expect(single.subject).toBe('Overdue: Value review with Northwind');
    expect(single.text).toContain('was due May 18, 2026');

    const two = digestsByAssignee(
      'task-reminder',
      [
        task('t-1', 'Review A', null, 'kim@example.com'),
        task('t-2', 'Review B', null, 'kim@example.com'),
      ],
      BASE,
      NOW,
    )[0];
    const several = await renderer.render(two.templateKey, contextOf(two));
    expect(several.subject).toBe('2 customer tasks are overdue');
    expect(several.text).toContain('Hello,');
  });

  it('task escalation lists each task with its owner for the manager', async () => {
    const digest = escalationDigest(
      [
        task('t-1', 'Review A', 'Sam Rivera', 'sam@example.com'),
        task('t-2', 'Review B', null, 'kim@example.com'),
      ],
      'boss@example.com',
      BASE,
      NOW,
    )!;
    const out = await renderer.render(digest.templateKey, contextOf(digest));
    expect(out.subject).toBe('2 overdue customer tasks escalated');
    expect(out.html).toContain('Sam Rivera');
    expect(out.html).toContain('mailto:sam@example.com');
    // Without a name, the owner is shown by address.
    expect(out.text).toMatch(/Review B[\s\S]*kim@example\.com/);
  });

  it('task escalation of one task names it and its owner in the subject', async () => {
    const digest = escalationDigest(
      [task('t-1', 'Review A', 'Sam Rivera', 'sam@example.com')],
      'boss@example.com',
      BASE,
      NOW,
    )!;
    const out = await renderer.render(digest.templateKey, contextOf(digest));
    expect(out.subject).toBe('Escalated: Review A (Sam Rivera)');
  });
});
