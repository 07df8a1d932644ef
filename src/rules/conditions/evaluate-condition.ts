import { FieldDef, lookupField } from './condition-fields';
import { PreparedLeaf, prepareLeafOrThrow } from './condition-leaf';
import {
  compareCodePoints,
  cutoffBefore,
  factInstant,
  factNumber,
  jsonEqualsScalar,
  parseIsoInstant,
} from './condition-values';
import { ConditionNode, isLeaf, Scalar } from './condition.types';

/**
 * What a condition can see, keyed like the field names (`customer.ordersCount` is
 * `customer.ordersCount`); see condition-facts.ts for building these from database rows.
 * `customer.attributes` is an object, `order.items` a list of `{ sku, … }`; dates may be Date
 * or ISO strings, numbers may be pg's numeric strings ("12.50").
 */
export interface ConditionFacts {
  customer: Record<string, unknown> | null;
  account: Record<string, unknown> | null;
  event?: Record<string, unknown> | null;
  order?: Record<string, unknown> | null;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Own properties only: an attribute named `constructor` must not find Object's. */
const own = (object: unknown, key: string): unknown =>
  isPlainObject(object) && Object.hasOwn(object, key) ? object[key] : undefined;

/**
 * The raw value of a field in the facts, undefined when absent. `order.items.sku` is the list
 * of the items' SKUs. Throws on a name outside the catalogue.
 */
export function resolveField(facts: ConditionFacts, field: string | FieldDef): unknown {
  const def = typeof field === 'string' ? lookupField(field) : { ok: true as const, field };
  if (!def.ok) throw new Error(def.message);
  const { source } = def.field;
  const record = facts[source] ?? undefined;
  if (def.field.kind === 'json') return own(own(record, def.field.object), def.field.key);
  const path = def.field.name.split('.').slice(1);
  if (def.field.name === 'order.items.sku') {
    const items = own(record, 'items');
    if (!Array.isArray(items)) return undefined;
    return items.map((item) => own(item, 'sku')).filter((sku) => typeof sku === 'string');
  }
  return path.reduce<unknown>((value, key) => own(value, key), record);
}

/** A typed fact as the comparable scalar the field's type promises, or null if it is not one. */
function typedValue(leaf: PreparedLeaf, raw: unknown): Scalar | string[] | null {
  if (leaf.field.kind === 'json') return null;
  switch (leaf.field.type) {
    case 'string':
      return typeof raw === 'string' ? raw : null;
    case 'number':
      return factNumber(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'date':
      return factInstant(raw);
    case 'string[]':
      // An empty list has nothing to test, like a missing one.
      return Array.isArray(raw) && raw.length > 0 ? (raw as string[]) : null;
  }
}

/** Order of two scalars of the same type: code points for strings, value for numbers. */
const order = (a: Scalar, b: Scalar): number =>
  typeof a === 'string' && typeof b === 'string'
    ? compareCodePoints(a, b)
    : (a as number) - (b as number);

function compare(actual: Scalar, op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte', value: Scalar) {
  switch (op) {
    case 'eq':
      return actual === value;
    case 'neq':
      return actual !== value;
    case 'gt':
      return order(actual, value) > 0;
    case 'gte':
      return order(actual, value) >= 0;
    case 'lt':
      return order(actual, value) < 0;
    case 'lte':
      return order(actual, value) <= 0;
  }
}

/** A leaf on a field of fixed type (values already normalised by prepareLeaf). */
function evaluateTyped(leaf: PreparedLeaf, raw: unknown, now: Date): boolean {
  const actual = typedValue(leaf, raw);
  if (leaf.test === 'exists') return (actual !== null) === leaf.expected;
  if (actual === null) return false;
  if (Array.isArray(actual))
    return leaf.test === 'contains' && actual.includes(leaf.value as string);
  switch (leaf.test) {
    case 'compare':
      return compare(actual, leaf.op, leaf.value);
    case 'list': {
      const found = leaf.values.includes(actual);
      return leaf.op === 'in' ? found : !found;
    }
    case 'contains':
      return typeof actual === 'string' && actual.includes(leaf.value as string);
    case 'age': {
      const cutoff = cutoffBefore(now, leaf.duration).getTime();
      return leaf.op === 'olderThan' ? (actual as number) < cutoff : (actual as number) > cutoff;
    }
  }
}

/** A leaf on a JSON value; JSON null counts as missing. */
function evaluateJson(leaf: PreparedLeaf, json: unknown, now: Date): boolean {
  const present = json !== undefined && json !== null;
  if (leaf.test === 'exists') return present === leaf.expected;
  if (!present) return false;
  switch (leaf.test) {
    case 'compare':
      if (leaf.op === 'eq') return jsonEqualsScalar(json, leaf.value);
      if (leaf.op === 'neq') return !jsonEqualsScalar(json, leaf.value);
      // Only number with number, string with string; anything else is no match.
      return typeof json === typeof leaf.value && compare(json as Scalar, leaf.op, leaf.value);
    case 'list': {
      const found = leaf.values.some((value) => jsonEqualsScalar(json, value));
      return leaf.op === 'in' ? found : !found;
    }
    case 'contains':
      if (typeof json === 'string')
        return typeof leaf.value === 'string' && json.includes(leaf.value);
      return Array.isArray(json) && json.some((item) => jsonEqualsScalar(item, leaf.value));
    case 'age': {
      const at = typeof json === 'string' ? parseIsoInstant(json) : null;
      if (at === null) return false;
      const cutoff = cutoffBefore(now, leaf.duration).getTime();
      return leaf.op === 'olderThan' ? at < cutoff : at > cutoff;
    }
  }
}

/**
 * Whether the facts satisfy a validated condition tree at `now` (which fixes the cutoff of
 * olderThan/newerThan). Semantics: see the top of condition.types.ts.
 */
export function evaluateCondition(node: ConditionNode, facts: ConditionFacts, now: Date): boolean {
  if ('all' in node) return node.all.every((child) => evaluateCondition(child, facts, now));
  if ('any' in node) return node.any.some((child) => evaluateCondition(child, facts, now));
  if ('not' in node) return !evaluateCondition(node.not, facts, now);
  if (!isLeaf(node)) throw new Error('not a condition node');
  const leaf = prepareLeafOrThrow(node);
  const raw = resolveField(facts, leaf.field);
  return leaf.field.kind === 'json' ? evaluateJson(leaf, raw, now) : evaluateTyped(leaf, raw, now);
}
