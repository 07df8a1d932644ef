import type { DataSource } from 'typeorm';
import type { DemoApi } from './demo-api';

interface RuleStats {
  name: string;
  module: string;
  sent: number;
  tasks: number;
  heldOut: number;
  conversions: { treated: number; holdout: number };
  lift: number | null;
  warning: string | null;
}

/**
 * What the demo produced, per module: messages by status with the reasons of those not
 * sent, tasks, check-ins, cases, conversions and lift — read from the database and the
 * rules' stats endpoint, so it shows what the engine actually did.
 */
export async function demoSummary(db: DataSource, api: DemoApi, mailLocation: string) {
  const lines: string[] = [];
  const messages = await db.query<
    { module: string; status: string; reason: string | null; n: number }[]
  >(
    `SELECT module, status, COALESCE(reason, '') AS reason, count(*)::int AS n
       FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const modules = [...new Set(messages.map((m) => m.module))];
  lines.push('', 'Retention Mix demo — what the engine did', '');
  for (const module of modules) {
    const rows = messages.filter((m) => m.module === module);
    const count = (status: string) =>
      rows.filter((r) => r.status === status).reduce((sum, r) => sum + r.n, 0);
    const deferred = rows.filter((r) => r.status === 'scheduled' && r.reason);
    const reasons = (list: typeof rows) =>
      list.length ? ` (${list.map((r) => `${r.reason || 'no reason'} ${r.n}`).join(', ')})` : '';
    lines.push(
      `${module}`,
      `  messages scheduled ${count('scheduled') + count('sending') + count('sent') + count('failed')}, sent ${count('sent')}, held out ${count('held_out')}`,
      `  deferred ${deferred.reduce((s, r) => s + r.n, 0)}${reasons(deferred)}`,
      `  suppressed ${count('suppressed')}${reasons(rows.filter((r) => r.status === 'suppressed'))}`,
      `  cancelled ${count('cancelled')}${reasons(rows.filter((r) => r.status === 'cancelled'))}, failed ${count('failed')}`,
    );
  }
  const [facts] = await db.query<
    {
      tasks: number;
      tasks_done: number;
      check_ins: number;
      answered: number;
      problems: number;
      cases: number;
      resolved: number;
      redeemed: number;
      invalid: number;
    }[]
  >(
    `SELECT (SELECT count(*)::int FROM tasks WHERE status <> 'held_out') AS tasks,
            (SELECT count(*)::int FROM tasks WHERE status = 'completed') AS tasks_done,
            (SELECT count(*)::int FROM check_ins) AS check_ins,
            (SELECT count(*)::int FROM check_ins WHERE answer IS NOT NULL) AS answered,
            (SELECT count(*)::int FROM check_ins WHERE answer = 'problem') AS problems,
            (SELECT count(*)::int FROM cases) AS cases,
            (SELECT count(*)::int FROM cases WHERE status = 'resolved') AS resolved,
            (SELECT count(*)::int FROM promotion_redemptions WHERE status = 'redeemed') AS redeemed,
            (SELECT count(*)::int FROM promotion_redemptions WHERE status = 'invalid') AS invalid`,
  );
  lines.push(
    '',
    `sales-touchpoints: tasks created ${facts.tasks}, completed ${facts.tasks_done}`,
    `post-purchase: check-ins ${facts.check_ins}, answered ${facts.answered} (problems ${facts.problems}), cases opened ${facts.cases}, resolved ${facts.resolved}`,
    `reinforcing-promotions: codes redeemed ${facts.redeemed}, invalid redemptions ${facts.invalid}`,
    '',
    'Rules: conversions (treated / held out) and lift',
  );
  const rules = await api.call<{ items: { id: string; name: string; module: string }[] }>(
    'GET',
    '/v1/rules',
  );
  for (const rule of rules.body.items) {
    const stats = (await api.call<RuleStats>('GET', `/v1/rules/${rule.id}/stats`)).body;
    const lift = stats.lift === null ? 'n/a' : `${(stats.lift * 100).toFixed(1)} %`;
    lines.push(
      `  [${rule.module}] ${rule.name}: ${stats.tasks ? `tasks ${stats.tasks}` : `sent ${stats.sent}`}, held out ${stats.heldOut}, conversions ${stats.conversions.treated} / ${stats.conversions.holdout}, lift ${lift}${stats.warning ? ` — ${stats.warning}` : ''}`,
    );
  }
  lines.push('', `Read the emails: ${mailLocation}`, '');
  return lines.join('\n');
}
