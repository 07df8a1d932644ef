import type { FieldError } from '../../common/problem/problem';
import type { EmailAction, RuleInput, TaskAction } from '../../rules/rule.schema';

/**
 * What a post-purchase rule may do: email the customer, with or without a check-in. Tasks,
 * mail to account owners or stakeholders, extras and promotions belong to other modules;
 * saying so at `action.<field>` beats a rule that silently does something else.
 */
export function checkPostPurchaseAction(action: EmailAction | TaskAction): FieldError[] {
  if (action.type === 'task') {
    return [
      {
        path: 'action.type',
        message: 'post-purchase rules send emails; tasks belong to sales-touchpoints rules',
      },
    ];
  }
  const errors: FieldError[] = [];
  if (action.to !== 'customer') {
    errors.push({
      path: 'action.to',
      message: 'post-purchase rules write to the customer who bought; use "customer"',
    });
  }
  if (action.extras !== undefined) {
    errors.push({ path: 'action.extras', message: 'belongs to product-extras rules' });
  }
  if (action.promotion !== undefined) {
    errors.push({ path: 'action.promotion', message: 'belongs to reinforcing-promotions rules' });
  }
  return errors;
}

/** `checkIn` is filled only when the rule asks for a check-in. */
export function postPurchaseContextRoots(rule: Pick<RuleInput, 'action'>): readonly string[] {
  return rule.action.type === 'email' && rule.action.checkIn === true ? ['checkIn'] : [];
}
