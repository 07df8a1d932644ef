import type { Duration } from 'luxon';
import { FieldDef, FieldType, lookupField } from './condition-fields';
import {
  isScalar,
  isStorableText,
  parseIsoInstant,
  parsePositiveDuration,
} from './condition-values';
import { Leaf, Op, OPS, Scalar } from './condition.types';

/*
 * A leaf checked against the field catalogue and turned into one normal form that the
 * evaluator and the SQL compiler both start from. Doing the value parsing (dates, durations)
 * once, here, is what keeps the two from drifting apart.
 */

export type CompareOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

export type PreparedLeaf =
  | { field: FieldDef; test: 'exists'; expected: boolean }
  /** For a date field `value` is epoch milliseconds; for others it is the rule's value. */
  | { field: FieldDef; test: 'compare'; op: CompareOp; value: Scalar }
  | { field: FieldDef; test: 'list'; op: 'in' | 'nin'; values: Scalar[] }
  | { field: FieldDef; test: 'contains'; value: Scalar }
  | { field: FieldDef; test: 'age'; op: 'olderThan' | 'newerThan'; duration: Duration };

/** A problem with one property of a leaf; `path` is relative to the leaf. */
export interface LeafIssue {
  path: (string | number)[];
  message: string;
}

export const MAX_LIST = 1000;

const ORDERED: readonly Op[] = ['gt', 'gte', 'lt', 'lte'];

/** Which ops make sense on which type; JSON values can be anything, so all ops apply. */
const OPS_BY_TYPE: Record<FieldType | 'json', readonly Op[]> = {
  string: ['eq', 'neq', ...ORDERED, 'in', 'nin', 'contains', 'exists'],
  number: ['eq', 'neq', ...ORDERED, 'in', 'nin', 'exists'],
  boolean: ['eq', 'neq', 'in', 'nin', 'exists'],
  date: ['eq', 'neq', ...ORDERED, 'in', 'nin', 'exists', 'olderThan', 'newerThan'],
  'string[]': ['contains', 'exists'],
  json: OPS,
};

const DATE_HINT =
  'must be an ISO-8601 date (2026-01-31) or date-time with an offset (2026-01-31T09:00:00Z)';
const TEXT_HINT = 'must not contain NUL or unpaired surrogate characters';

type Checked = { ok: true; value: Scalar } | { ok: false; message: string };

const text = (value: unknown): Checked =>
  typeof value !== 'string'
    ? { ok: false, message: 'must be a string' }
    : isStorableText(value)
      ? { ok: true, value }
      : { ok: false, message: TEXT_HINT };

/** One scalar operand of `op` on a field of `type`, normalised (dates to epoch ms). */
function checkScalar(type: FieldType | 'json', op: Op, value: unknown): Checked {
  switch (type) {
    case 'string':
    case 'string[]':
      return text(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, message: 'must be a number' };
    case 'boolean':
      return typeof value === 'boolean'
        ? { ok: true, value }
        : { ok: false, message: 'must be true or false' };
    case 'date': {
      const ms = typeof value === 'string' ? parseIsoInstant(value) : null;
      return ms === null ? { ok: false, message: DATE_HINT } : { ok: true, value: ms };
    }
    case 'json':
      if (ORDERED.includes(op)) {
        // Ordering only means something between two numbers or two strings.
        return typeof value === 'string'
          ? text(value)
          : typeof value === 'number' && Number.isFinite(value)
            ? { ok: true, value }
            : { ok: false, message: 'must be a number or a string' };
      }
      if (!isScalar(value)) return { ok: false, message: 'must be a string, number or boolean' };
      return typeof value === 'string' ? text(value) : { ok: true, value };
  }
}

const typeLabel = (field: FieldDef) =>
  field.kind === 'json'
    ? 'a JSON value'
    : field.type === 'string[]'
      ? 'a list of strings'
      : `a ${field.type}`;

export type LeafCheck = { ok: true; leaf: PreparedLeaf } | { ok: false; issues: LeafIssue[] };

/** The leaf in normal form, or every problem found with it. */
export function prepareLeaf(leaf: Leaf): LeafCheck {
  const lookup = lookupField(leaf.field);
  if (!lookup.ok) return { ok: false, issues: [{ path: ['field'], message: lookup.message }] };
  const { field } = lookup;
  const type = field.kind === 'json' ? 'json' : field.type;
  const { op, value } = leaf;
  const fail = (message: string, path: (string | number)[] = ['value']): LeafCheck => ({
    ok: false,
    issues: [{ path, message }],
  });

  if (!OPS_BY_TYPE[type].includes(op)) {
    return fail(
      `\`${op}\` does not apply to \`${field.name}\` (${typeLabel(field)}); use one of ${OPS_BY_TYPE[type].join(', ')}`,
      ['op'],
    );
  }
  if (op === 'exists') {
    if (value !== undefined && typeof value !== 'boolean')
      return fail('must be true or false (left out, it means true)');
    return { ok: true, leaf: { field, test: 'exists', expected: value ?? true } };
  }
  if (value === undefined) return fail('is required');

  switch (op) {
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'contains': {
      const checked = checkScalar(type, op, value);
      if (!checked.ok) return fail(checked.message);
      return {
        ok: true,
        leaf:
          op === 'contains'
            ? { field, test: 'contains', value: checked.value }
            : { field, test: 'compare', op, value: checked.value },
      };
    }
    case 'in':
    case 'nin': {
      if (!Array.isArray(value) || value.length === 0) return fail('must be a non-empty list');
      if (value.length > MAX_LIST) return fail(`must list at most ${MAX_LIST} values`);
      const values: Scalar[] = [];
      const issues: LeafIssue[] = [];
      value.forEach((item: unknown, i) => {
        const checked = checkScalar(type, op, item);
        if (checked.ok) values.push(checked.value);
        else issues.push({ path: ['value', i], message: checked.message });
      });
      if (issues.length > 0) return { ok: false, issues };
      return { ok: true, leaf: { field, test: 'list', op, values } };
    }
    case 'olderThan':
    case 'newerThan': {
      const duration = typeof value === 'string' ? parsePositiveDuration(value) : null;
      if (!duration)
        return fail(
          'must be a positive ISO-8601 duration of at most 200 years, e.g. P30D or PT12H',
        );
      return { ok: true, leaf: { field, test: 'age', op, duration } };
    }
  }
}

/** For the evaluator and the compiler, which only ever see validated trees. */
export function prepareLeafOrThrow(leaf: Leaf): PreparedLeaf {
  const prepared = prepareLeaf(leaf);
  if (prepared.ok) return prepared.leaf;
  const detail = prepared.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid condition on \`${leaf.field}\` (validate before use): ${detail}`);
}
