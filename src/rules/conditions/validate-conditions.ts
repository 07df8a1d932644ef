import { FieldError } from '../../common/problem/problem';
import { formatPath, toFieldErrors } from '../../common/validation/zod-errors';
import { lookupField, Source } from './condition-fields';
import { prepareLeaf } from './condition-leaf';
import { ConditionNode, conditionSchema, isLeaf } from './condition.types';

/** What a trigger would have to supply for a source's fields to have values. */
const SOURCE_HINT: Record<Source, string> = {
  customer: '`customer.*` fields need a trigger that names a customer',
  account: '`account.*` fields need a trigger that names a customer or an account',
  event: '`event.*` fields need an event trigger',
  order: '`order.*` fields need an order event trigger',
};

/**
 * Every problem with a rule's `conditions`, as API field errors (empty when it is valid).
 * `available` is what the rule's trigger supplies: a schedule rule has no event or order, and
 * a condition on one would silently never match, so it is refused here instead.
 */
export function validateConditions(
  node: unknown,
  available: ReadonlySet<Source>,
  path: readonly PropertyKey[] = ['conditions'],
): FieldError[] {
  const parsed = conditionSchema.safeParse(node);
  // Until the shape is right there is no leaf to check against the catalogue.
  if (!parsed.success) return toFieldErrors(parsed.error, path);
  const errors: FieldError[] = [];
  const visit = (n: ConditionNode, at: readonly PropertyKey[]) => {
    if ('all' in n) n.all.forEach((child, i) => visit(child, [...at, 'all', i]));
    else if ('any' in n) n.any.forEach((child, i) => visit(child, [...at, 'any', i]));
    else if ('not' in n) visit(n.not, [...at, 'not']);
    else if (isLeaf(n)) {
      const lookup = lookupField(n.field);
      if (lookup.ok && !available.has(lookup.field.source)) {
        const { source } = lookup.field;
        errors.push({
          path: formatPath([...at, 'field']),
          message: `this rule's trigger has no ${source}; ${SOURCE_HINT[source]}`,
        });
      }
      const prepared = prepareLeaf(n);
      if (!prepared.ok)
        for (const issue of prepared.issues)
          errors.push({ path: formatPath([...at, ...issue.path]), message: issue.message });
    }
  };
  visit(parsed.data, path);
  return errors;
}
