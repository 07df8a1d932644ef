import type { FieldError } from '../../common/problem/problem';
import type { EmailAction, TaskAction } from '../../rules/rule.schema';

/**
 * What a product-extras rule may not ask for. `action.extras` itself is optional (all
 * kinds, at most 3, owned ones left out) and its form is checked by the rule schema.
 */
export function checkExtrasAction(action: EmailAction | TaskAction): FieldError[] {
  if (action.type === 'task') {
    return [
      {
        path: 'action.type',
        message: 'must be "email": product-extras rules send offers (tasks are sales-touchpoints)',
      },
    ];
  }
  const errors: FieldError[] = [];
  if (action.promotion !== undefined) {
    errors.push({
      path: 'action.promotion',
      message: 'belongs to reinforcing-promotions rules, not product-extras',
    });
  }
  if (action.checkIn !== undefined) {
    errors.push({
      path: 'action.checkIn',
      message: 'belongs to post-purchase rules, not product-extras',
    });
  }
  if (action.to !== 'customer') {
    errors.push({
      path: 'action.to',
      message: 'must be "customer": extras are picked from what the customer bought',
    });
  }
  return errors;
}
