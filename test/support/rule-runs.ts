import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** A run as GET /v1/rules/{id}/runs/{runId} answers it. */
export interface RunProgress {
  id: string;
  ruleId: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  trigger: 'schedule' | 'manual';
  triggeredAt: string;
  audienceSize: number | null;
  processed: number;
  scheduled: number;
  heldOut: number;
  skipped: Record<string, number>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * Inserts `count` customers straight into Postgres (a thousand PUTs would only slow the test
 * down; the runs are what is tested, through HTTP), named `<tag>-<i>` for i = 1…count, all
 * with consent; `extra` sets the zone, and the value tier and order count per i. Returns
 * their internal ids in id order.
 */
export async function seedCustomers(
  db: DataSource,
  count: number,
  tag: string,
  extra: {
    timezone?: string;
    valueTier?: (i: number) => string | null;
    ordersCount?: (i: number) => number;
  } = {},
): Promise<string[]> {
  const indexes = Array.from({ length: count }, (_, i) => i + 1);
  const rows = await db.query<{ id: string }[]>(
    `INSERT INTO customers (external_id, email, first_name, timezone, marketing_consent, value_tier, orders_count)
     SELECT $1 || '-' || i, $1 || '-' || i || '@example.com', 'Ann', $2, true, tier, orders
       FROM unnest($3::int[], $4::text[], $5::int[]) AS t(i, tier, orders)
     RETURNING id`,
    [
      tag,
      extra.timezone ?? 'Europe/Paris',
      indexes,
      indexes.map((i) => extra.valueTier?.(i) ?? null),
      indexes.map((i) => extra.ordersCount?.(i) ?? 1),
    ],
  );
  return rows.map((r) => String(r.id)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** A rule body for POST /v1/rules: a plain email of post-purchase, run by hand, active. */
export function manualRule(template: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Run by hand',
    module: 'post-purchase',
    trigger: { type: 'manual' },
    action: { type: 'email', template },
    // A day ahead: the runs are under test, not delivery; nothing is sent while it runs.
    delay: 'P1D',
    reentry: 'always',
    status: 'active',
    ...overrides,
  };
}

/** The HTTP calls a rule-run test makes, with a marketer key. */
export class RuleRunsClient {
  constructor(
    private readonly t: TestApp,
    private readonly key: string,
  ) {}

  static async for(t: TestApp) {
    return new RuleRunsClient(t, await t.keyFor('marketer'));
  }

  async template(key: string) {
    const res = await this.t.http
      .put(`/v1/templates/${key}`)
      .set('Authorization', `Bearer ${this.key}`)
      .send({
        subject: 'Hello {{customer.firstName}}',
        html: '<p>Hi {{customer.firstName}}</p>{{> footer}}',
      });
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`template not saved: ${res.status} ${res.text}`);
  }

  async createRule(body: object): Promise<string> {
    const res = await this.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${this.key}`)
      .send(body);
    if (res.status !== 201) throw new Error(`rule not created: ${res.status} ${res.text}`);
    return (res.body as { id: string }).id;
  }

  patchRule(id: string, body: object) {
    return this.t.http
      .patch(`/v1/rules/${id}`)
      .set('Authorization', `Bearer ${this.key}`)
      .send(body);
  }

  run(ruleId: string) {
    return this.t.http.post(`/v1/rules/${ruleId}/run`).set('Authorization', `Bearer ${this.key}`);
  }

  async start(ruleId: string): Promise<string> {
    const res = await this.run(ruleId);
    if (res.status !== 202) throw new Error(`run not started: ${res.status} ${res.text}`);
    return (res.body as { runId: string }).runId;
  }

  get(path: string) {
    return this.t.http.get(path).set('Authorization', `Bearer ${this.key}`);
  }

  async progress(ruleId: string, runId: string): Promise<RunProgress> {
    const res = await this.get(`/v1/rules/${ruleId}/runs/${runId}`);
    if (res.status !== 200) throw new Error(`no progress: ${res.status} ${res.text}`);
    return res.body as RunProgress;
  }

  /** Polls the run's progress until it is no longer running. */
  async finished(ruleId: string, runId: string, timeoutMs = 60_000): Promise<RunProgress> {
    return this.t.waitFor(async () => {
      const run = await this.progress(ruleId, runId);
      return run.status === 'running' ? null : run;
    }, timeoutMs);
  }
}
