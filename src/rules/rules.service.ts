import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../common/auth/principal';
import { notFound, validationProblem } from '../common/problem/problem';
import { toFieldErrors } from '../common/validation/zod-errors';
import { TemplateEnvironment } from '../messaging/templates/handlebars-env';
import { TemplateStore } from '../messaging/templates/template-store';
import { MixModuleRegistry } from './engine/mix-module-registry';
import { RuleChangeHooks } from './rule-change-hooks';
import { RuleCache } from './rule-cache';
import type { RuleStatus } from './rule.entity';
import { createRuleSchema, RuleInput, RulePatch } from './rule.schema';
import { RuleRow, ruleView } from './rule.view';
import { validateRule } from './validate-rule';

/**
 * Saving rules: every rule is validated completely before it is stored, every change is
 * kept in the audit trail with who made it and the rule before and after, and every
 * process learns of the change at once (rule cache, job schedulers).
 */
@Injectable()
export class RulesService {
  constructor(
    private readonly db: DataSource,
    private readonly templates: TemplateStore,
    @Inject(TemplateEnvironment) private readonly env: TemplateEnvironment,
    private readonly modules: MixModuleRegistry,
    private readonly cache: RuleCache,
    private readonly hooks: RuleChangeHooks,
  ) {}

  async create(input: RuleInput, actor: Principal) {
    await this.check(input);
    const id = randomUUID();
    const row = await this.db.transaction(async (em) => {
      const [created] = await em.query<RuleRow[]>(
        `INSERT INTO rules (id, name, module, status, trigger_type, trigger_event, goal_event, definition, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING *`,
        [id, input.name, input.module, input.status, ...indexColumns(input), definitionOf(input)],
      );
      await this.audit(em, created, 'created', null, actor);
      return created;
    });
    await this.announce(row);
    return ruleView(row);
  }

  async get(id: string) {
    return ruleView(await this.find(this.db.manager, id));
  }

  async list(filter: { module?: string; status?: RuleStatus }) {
    const rows = await this.db.query<RuleRow[]>(
      `SELECT * FROM rules
        WHERE ($1::text IS NULL OR module = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, id DESC LIMIT 1000`,
      [filter.module ?? null, filter.status ?? null],
    );
    return { items: rows.map(ruleView) };
  }

  /**
   * Applies a partial change: the merged rule is validated as a whole (a new trigger may make
   * the old conditions wrong). `null` removes an optional field.
   */
  async patch(id: string, patch: RulePatch, actor: Principal) {
    const current = await this.find(this.db.manager, id);
    const merged = mergeRule(ruleInputOf(current), patch);
    const parsed = createRuleSchema.safeParse(merged);
    if (!parsed.success) throw validationProblem(toFieldErrors(parsed.error));
    const input = parsed.data;
    await this.check(input);
    const row = await this.db.transaction(async (em) => {
      const before = await this.find(em, id, true);
      const [updated] = await em.query<RuleRow[]>(
        `WITH changed AS (
           UPDATE rules SET name = $2, module = $3, status = $4, trigger_type = $5, trigger_event = $6,
                  goal_event = $7, definition = $8, version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING *)
         SELECT * FROM changed`,
        [id, input.name, input.module, input.status, ...indexColumns(input), definitionOf(input)],
      );
      await this.audit(em, updated, auditAction(before, updated), before, actor);
      return updated;
    });
    await this.announce(row);
    return ruleView(row);
  }

  async auditTrail(id: string) {
    await this.find(this.db.manager, id);
    const rows = await this.db.query<
      {
        id: string;
        version: number;
        action: string;
        actor_key_id: string | null;
        actor_name: string;
        before: unknown;
        after: unknown;
        at: Date;
      }[]
    >('SELECT * FROM rule_audit WHERE rule_id = $1 ORDER BY id', [id]);
    return {
      items: rows.map((r) => ({
        version: r.version,
        action: r.action,
        actor: { keyId: r.actor_key_id, name: r.actor_name },
        at: r.at,
        before: r.before,
        after: r.after,
      })),
    };
  }

  async find(em: EntityManager, id: string, lock = false): Promise<RuleRow> {
    const [row] = await em.query<RuleRow[]>(
      `SELECT * FROM rules WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) throw notFound(`rule ${id}`);
    return row;
  }

  private async check(input: RuleInput) {
    const errors = await validateRule(input, {
      module: this.modules.get(input.module),
      findTemplate: (key) => this.templates.find(key),
      partials: this.env.partialNames.filter((name) => name !== 'layout'),
    });
    if (errors.length > 0) throw validationProblem(errors);
  }

  private async audit(
    em: EntityManager,
    row: RuleRow,
    action: string,
    before: RuleRow | null,
    actor: Principal,
  ) {
    await em.query(
      `INSERT INTO rule_audit (rule_id, version, action, actor_key_id, actor_name, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        row.id,
        row.version,
        action,
        actor.keyId,
        actor.name,
        before ? JSON.stringify(ruleView(before)) : null,
        JSON.stringify(ruleView(row)),
      ],
    );
  }

  private async announce(row: RuleRow) {
    await this.cache.changed();
    await this.hooks.changed(row);
  }
}

/** The columns the engine looks rules up by, copied out of the definition. */
function indexColumns(input: RuleInput) {
  return [
    input.trigger.type,
    input.trigger.type === 'event' ? input.trigger.event : null,
    input.goal?.event ?? null,
  ];
}

function definitionOf(input: RuleInput): string {
  // The status lives in its own column; the definition is what the rule does.
  const definition: Partial<RuleInput> = { ...input };
  delete definition.status;
  return JSON.stringify(definition);
}

/** A stored rule as a create body, so a patch can be merged and re-validated. */
export function ruleInputOf(row: RuleRow): Record<string, unknown> {
  return { ...row.definition, status: row.status };
}

export function mergeRule(
  current: Record<string, unknown>,
  patch: RulePatch,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function auditAction(before: RuleRow, after: RuleRow): string {
  if (
    before.status !== after.status &&
    JSON.stringify(before.definition) === JSON.stringify(after.definition)
  ) {
    return after.status === 'active'
      ? 'activated'
      : after.status === 'paused'
        ? 'paused'
        : 'set_to_draft';
  }
  return 'updated';
}
