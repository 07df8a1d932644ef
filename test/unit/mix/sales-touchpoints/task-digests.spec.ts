import {
  digestDedupeKey,
  DigestTask,
  digestsByAssignee,
  escalationDigest,
} from '../../../../src/mix/sales-touchpoints/task-digests';

const BASE = 'https://mix.example.com';
const NOW = new Date('2026-05-20T12:00:00Z');

const task = (
  id: string,
  assigneeEmail: string,
  dueAt: string,
  title = `Task ${id}`,
): DigestTask => ({
  id,
  title,
  dueAt: new Date(dueAt),
  assigneeEmail,
  assigneeName: assigneeEmail.startsWith('sam') ? 'Sam Rivera' : null,
  accountName: 'Northwind',
  customerName: 'Jane Doe',
});

describe('digestsByAssignee', () => {
  const tasks = [
    task('a', 'sam@example.com', '2026-06-03T00:00:00Z'),
    task('b', 'kim@example.com', '2026-06-01T00:00:00Z'),
    task('c', 'Sam@Example.com', '2026-06-01T00:00:00Z'),
  ];

  it('makes one service email per assignee (addresses without case), soonest due first', () => {
    const digests = digestsByAssignee('task-notice', tasks, BASE, NOW);
    expect(digests).toHaveLength(2);
    const sam = digests.find((d) => d.recipient === 'sam@example.com')!;
    expect(sam).toMatchObject({
      customerId: null,
      module: 'sales-touchpoints',
      kind: 'task-notice',
      class: 'service',
      templateKey: 'sales-touchpoints.task-notice',
      sendAt: NOW,
    });
    expect((sam.context as { tasks: { title: string; url: string }[] }).tasks).toEqual([
      expect.objectContaining({ title: 'Task c', url: `${BASE}/v1/tasks/c` }),
      expect.objectContaining({
        title: 'Task a',
        url: `${BASE}/v1/tasks/a`,
        assigneeName: 'Sam Rivera',
      }),
    ]);
  });

  it('names the reminder template for reminders', () => {
    const [digest] = digestsByAssignee('task-reminder', [tasks[1]], BASE, NOW);
    expect(digest).toMatchObject({
      kind: 'task-reminder',
      templateKey: 'sales-touchpoints.task-reminder',
      recipient: 'kim@example.com',
    });
  });

  it('makes nothing of no tasks', () => {
    expect(digestsByAssignee('task-notice', [], BASE, NOW)).toEqual([]);
  });
});

describe('digestDedupeKey', () => {
  it('is the same for the same tasks in any order, and differs by kind and by tasks', () => {
    const key = digestDedupeKey('task-notice', ['b', 'a']);
    expect(key).toBe(digestDedupeKey('task-notice', ['a', 'b']));
    expect(key).toMatch(/^task-notice\.[0-9a-f]{32}$/);
    expect(digestDedupeKey('task-reminder', ['a', 'b'])).not.toBe(key);
    expect(digestDedupeKey('task-notice', ['a', 'c'])).not.toBe(key);
  });
});

describe('escalationDigest', () => {
  it('lists every task, with its owner, in one email to the manager', () => {
    const digest = escalationDigest(
      [
        task('a', 'sam@example.com', '2026-05-01T00:00:00Z'),
        task('b', 'kim@example.com', '2026-04-01T00:00:00Z'),
      ],
      'boss@example.com',
      BASE,
      NOW,
    )!;
    expect(digest).toMatchObject({
      recipient: 'boss@example.com',
      kind: 'task-escalation',
      class: 'service',
      templateKey: 'sales-touchpoints.task-escalation',
    });
    expect(
      (digest.context as { tasks: { assigneeEmail: string }[] }).tasks.map((t) => t.assigneeEmail),
    ).toEqual(['kim@example.com', 'sam@example.com']);
  });

  it('is nothing when nothing escalates', () => {
    expect(escalationDigest([], 'boss@example.com', BASE, NOW)).toBeNull();
  });
});
