import { z } from 'zod';
import { formatError, nonEmptyText, timeZone } from '../common/validation/validators';
import type { ConditionNode } from './conditions/condition.types';

/**
 * The shape of a rule, as DESIGN.md fixes it. This schema checks form only (types, unknown
 * fields, formats); what needs more than one field at a time — an `order.*` condition on a
 * schedule rule, a template the module cannot fill, an action the module does not offer —
 * is checked by `validateRule`, which runs after it.
 */

export const RULE_MODULES = [
  'product-extras',
  'reinforcing-promotions',
  'sales-touchpoints',
  'post-purchase',
] as const;
export type RuleModule = (typeof RULE_MODULES)[number];

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM, e.g. 09:00');

/** ISO-8601 duration text; its meaning (valid, positive) is checked by validateRule. */
const duration = z.string().min(2).max(40);

const eventType = z
  .string()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[a-z0-9_.-]+$/i, 'must be an event type such as order.delivered');

const templateKey = z
  .string()
  .regex(/^[a-z0-9.-]+$/, 'must be a template key of a-z, 0-9, "." and "-"')
  .max(100);

export const triggerSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('event'), event: eventType }),
    z.strictObject({
      type: z.literal('schedule'),
      cron: z.string().min(1).max(100),
      timezone: timeZone,
    }),
    z.strictObject({ type: z.literal('manual') }),
  ],
  formatError('must be { type: "event" | "schedule" | "manual", … }'),
);

export const emailActionSchema = z.strictObject({
  type: z.literal('email'),
  template: templateKey,
  to: z.enum(['customer', 'account-stakeholders', 'account-owner']).default('customer'),
  // Module options: validateRule refuses the ones that do not belong to the rule's module.
  extras: z
    .strictObject({
      kinds: z
        .array(z.enum(['accessory', 'warranty', 'service', 'upgrade', 'consumable']))
        .min(1)
        .optional(),
      max: z.int().min(1).max(20).optional(),
      excludeOwned: z.boolean().optional(),
    })
    .optional(),
  promotion: z
    .strictObject({
      codePrefix: z
        .string()
        .regex(/^[A-Z0-9]{1,12}$/, 'must be 1–12 uppercase letters or digits, e.g. BACK15'),
      discountPercent: z.number().gt(0, 'must be above 0').max(100),
      validFor: duration,
    })
    .optional(),
  checkIn: z.boolean().optional(),
});

export const taskActionSchema = z.strictObject({
  type: z.literal('task'),
  title: nonEmptyText(300),
  dueIn: duration,
  assignTo: z.literal('account-owner').default('account-owner'),
  /** Email the owner a digest of their new tasks (default true). */
  notify: z.boolean().default(true),
});

export const actionSchema = z.discriminatedUnion(
  'type',
  [emailActionSchema, taskActionSchema],
  formatError('must be { type: "email" | "task", … }'),
);

const reentrySchema = z.union(
  [z.literal('once'), z.literal('always'), z.strictObject({ every: duration })],
  formatError('must be "once", "always" or { "every": "<ISO-8601 duration>" }'),
);

export const goalSchema = z.strictObject({
  event: eventType,
  within: duration,
  exitOnGoal: z.boolean().default(true),
});

export const ruleStatusSchema = z.enum(['draft', 'active', 'paused']);

const ruleFields = {
  name: nonEmptyText(200),
  module: z.enum(RULE_MODULES),
  trigger: triggerSchema,
  conditions: z.unknown().optional(),
  delay: duration.optional(),
  sendWindow: z.strictObject({ start: hhmm, end: hhmm }).optional(),
  action: actionSchema,
  reentry: reentrySchema.default('once'),
  holdoutPercent: z.number().min(0).max(100).default(0),
  goal: goalSchema.optional(),
  priority: z.int().min(0).max(100).default(50),
  /** Spending modules skip `unprofitable` customers unless this is true. */
  includeUnprofitable: z.boolean().default(false),
  status: ruleStatusSchema.default('draft'),
};

export const createRuleSchema = z.strictObject(ruleFields);

/** PATCH: any field of a rule; the merged rule is validated as a whole. */
export const patchRuleSchema = z.strictObject({
  name: ruleFields.name.optional(),
  module: ruleFields.module.optional(),
  trigger: triggerSchema.optional(),
  conditions: z.unknown().optional(),
  delay: duration.nullable().optional(),
  sendWindow: z.strictObject({ start: hhmm, end: hhmm }).nullable().optional(),
  action: actionSchema.optional(),
  reentry: reentrySchema.optional(),
  holdoutPercent: z.number().min(0).max(100).optional(),
  goal: goalSchema.nullable().optional(),
  priority: z.int().min(0).max(100).optional(),
  includeUnprofitable: z.boolean().optional(),
  status: ruleStatusSchema.optional(),
});

export type RuleInput = z.infer<typeof createRuleSchema>;
export type RulePatch = z.infer<typeof patchRuleSchema>;
export type EmailAction = z.infer<typeof emailActionSchema>;
export type TaskAction = z.infer<typeof taskActionSchema>;
export type RuleTrigger = z.infer<typeof triggerSchema>;

/** A validated rule as stored (`rules.definition`), without id and status. */
export type RuleDefinition = Omit<RuleInput, 'status' | 'conditions'> & {
  conditions?: ConditionNode;
};
