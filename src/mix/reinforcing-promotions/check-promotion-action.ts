import type { FieldError } from '../../common/problem/problem';
import { isValidDuration } from '../../rules/eligibility';
import type { EmailAction, TaskAction } from '../../rules/rule.schema';

/** What a reinforcing-promotions rule must say and may not ask for. */
export function checkPromotionAction(action: EmailAction | TaskAction): FieldError[] {
  if (action.type === 'task') {
    return [
      {
        path: 'action.type',
        message:
          'must be "email": reinforcing-promotions rules send codes (tasks are sales-touchpoints)',
      },
    ];
  }
  const errors: FieldError[] = [];
  if (action.promotion === undefined) {
    errors.push({
      path: 'action.promotion',
      message: 'is required: { codePrefix, discountPercent, validFor }',
    });
  } else if (!isValidDuration(action.promotion.validFor)) {
    errors.push({
      path: 'action.promotion.validFor',
      message: 'must be a positive ISO-8601 duration such as P14D',
    });
  }
  if (action.extras !== undefined) {
    errors.push({
      path: 'action.extras',
      message: 'belongs to product-extras rules, not reinforcing-promotions',
    });
  }
  if (action.checkIn !== undefined) {
    errors.push({
      path: 'action.checkIn',
      message: 'belongs to post-purchase rules, not reinforcing-promotions',
    });
  }
  if (action.to !== 'customer') {
    errors.push({
      path: 'action.to',
      message: 'must be "customer": a promotion code is personal',
    });
  }
  return errors;
}
