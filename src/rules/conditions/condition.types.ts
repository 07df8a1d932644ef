import { z } from 'zod';

/*
 * A rule's `conditions`: one tree, evaluated in memory for events (evaluate-condition.ts) and
 * compiled to SQL for audiences (condition-to-sql.ts). The two must select the same customers,
 * so the semantics are defined once, here, and a property test (test/e2e/conditions-property)
 * checks them against each other on random data.
 *
 * - Two-valued logic. A leaf whose value is missing (no such customer/account/key, SQL NULL,
 *   JSON null, or a value of the wrong type) is false for EVERY op: `neq` and `nin` too, and
 *   `exists` is false. So `not` of such a leaf is true. SQL wraps each leaf so it never yields
 *   NULL, which would otherwise leak three-valued logic through NOT.
 * - Strings compare by Unicode code point (SQL: COLLATE "C" on a UTF-8 database; JS: not `<`,
 *   which compares UTF-16 units and puts U+10000 before U+FF61). `eq` is case-sensitive and
 *   does no normalisation. `contains` on a string is a substring test; on a list (order.items.sku,
 *   a JSON array attribute) it asks for an element equal to the value.
 * - Numbers compare numerically; a pg numeric that arrives as the string "12.50" is a number.
 * - Dates compare as instants at millisecond precision (a JS Date cannot hold microseconds, so
 *   SQL truncates the column to milliseconds). A date `value` is an ISO string (see
 *   ISO_INSTANT_SOURCE in condition-values.ts). `olderThan D` means "before now − D",
 *   `newerThan D` means "after now − D"; now − D is computed once in JS, in UTC, with luxon and
 *   handed to SQL as a parameter, so both sides use the same cutoff.
 * - JSON attributes/properties: eq/neq/in/nin compare JSON values (5 equals 5.0; "5" does not
 *   equal 5); gt/gte/lt/lte apply only when the attribute has the value's JSON type (number or
 *   string); olderThan/newerThan only when it is a string that matches ISO_INSTANT_SOURCE and is
 *   a real calendar date; `exists` means the key is present and not JSON null.
 * - `in`/`nin`: the value is / is not one of the list (and, as above, `nin` on missing is false).
 */

export const OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'exists',
  'olderThan',
  'newerThan',
] as const;
export type Op = (typeof OPS)[number];

export type Scalar = string | number | boolean;

/** `{ field, op, value }`; `value` is checked against the field by validate-conditions. */
export interface Leaf {
  field: string;
  op: Op;
  value?: unknown;
}

export type ConditionNode =
  { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode } | Leaf;

/** Big enough for any rule a person writes; small enough that no tree is costly to run. */
export const MAX_DEPTH = 8;
export const MAX_LEAVES = 100;

export const isLeaf = (node: ConditionNode): node is Leaf => 'field' in node;

/**
 * Depth and leaf count of a raw (unparsed) tree, giving up once either limit is passed so a
 * hostile, deeply nested body costs no more than a legal one.
 */
function measure(input: unknown): { tooDeep: boolean; leaves: number } {
  let leaves = 0;
  let tooDeep = false;
  const visit = (node: unknown, depth: number): void => {
    if (tooDeep || leaves > MAX_LEAVES) return;
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    const children = Array.isArray(n.all) ? n.all : Array.isArray(n.any) ? n.any : null;
    if (children) for (const child of children) visit(child, depth + 1);
    else if ('not' in n) visit(n.not, depth + 1);
    else leaves++;
  };
  visit(input, 1);
  return { tooDeep, leaves };
}

const KINDS = ['all', 'any', 'not', 'field'] as const;

/*
 * One strict object with every key optional, rather than a union of four shapes: a zod union
 * that fails reports only "Invalid input" at the node, while this reports the offending key
 * (`conditions.all[1].op`). The refinement then insists on exactly one kind per node.
 */
const nodeObject = z
  .strictObject({
    all: z
      .array(z.lazy(() => nodeSchema))
      .min(1, 'must list at least one condition')
      .optional(),
    any: z
      .array(z.lazy(() => nodeSchema))
      .min(1, 'must list at least one condition')
      .optional(),
    not: z.lazy(() => nodeSchema).optional(),
    field: z.string().min(1, 'must not be empty').max(200, 'is too long').optional(),
    op: z.enum(OPS).optional(),
    value: z.unknown().optional(),
  })
  .superRefine((node, ctx) => {
    const kinds = KINDS.filter((kind) => node[kind] !== undefined);
    if (kinds.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `mixes ${kinds.map((k) => `\`${k}\``).join(' and ')}; a condition is one of {all}, {any}, {not} or {field, op, value}`,
      });
    } else if (kinds.length === 0) {
      if (node.op !== undefined || node.value !== undefined)
        ctx.addIssue({ code: 'custom', path: ['field'], message: 'is required' });
      else
        ctx.addIssue({
          code: 'custom',
          message: 'must be one of {all}, {any}, {not} or {field, op, value}',
        });
    } else if (kinds[0] === 'field') {
      if (node.op === undefined)
        ctx.addIssue({ code: 'custom', path: ['op'], message: 'is required' });
    } else {
      for (const key of ['op', 'value'] as const)
        if (node[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `belongs to a {field, op, value} condition, not to \`${kinds[0]}\``,
          });
    }
  });

// The refinement guarantees the object is one of the four shapes; zod cannot infer that.
const nodeSchema: z.ZodType<ConditionNode> = nodeObject as unknown as z.ZodType<ConditionNode>;

/**
 * The shape of a condition tree (no field catalogue, no value types: see validate-conditions).
 * The size limits are checked on the raw input first, so zod never walks an oversized tree.
 */
export const conditionSchema: z.ZodType<ConditionNode> = z
  .unknown()
  .superRefine((input, ctx) => {
    const { tooDeep, leaves } = measure(input);
    if (tooDeep) ctx.addIssue({ code: 'custom', message: `nests deeper than ${MAX_DEPTH} levels` });
    if (leaves > MAX_LEAVES)
      ctx.addIssue({ code: 'custom', message: `has more than ${MAX_LEAVES} conditions` });
  })
  .pipe(nodeSchema);
