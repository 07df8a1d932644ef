/*
 * The OpenAPI descriptions of the reports: what each figure is, worded after the SQL that
 * computes it (README "Reports" is the longer version of the same definitions).
 */

const PERIOD =
  'The period is [`from`, `to`): `from` included, `to` excluded, ISO-8601 date-times with an offset. ' +
  '`to` defaults to now and `from` to 30 days before `to`; `from` must be before `to` (422 naming `from`). ' +
  'Send `Accept: text/csv` (or `format=csv`) for the same report as a CSV attachment; see README "Reports" for the CSV columns. ';

const LOST =
  'A customer is *lost* at a time T when their latest `customer.churned` event before T has no order (not cancelled) placed after it and before T. ';

export const OVERVIEW_DOC =
  PERIOD +
  LOST +
  '`customers.start` (S) = customers whose first order (not cancelled) was placed before `from`, less those lost at `from`; ' +
  '`customers.new` (N) = first order in the period; `customers.end` (E) = first order before `to`, less those lost at `to`; ' +
  '`customers.churned` = of S, lost at `to`; `wonBack` = lost at `from`, not at `to`; `newChurned` = of N, lost at `to`. ' +
  '`retentionRate` = (E − N) / S; `churnRate` = churned / S (null when S = 0). ' +
  '`orders.orders` = orders placed in the period and not cancelled; `orders.customers` = customers with one or more of them; ' +
  '`repeatCustomers` = with two or more; `repeatPurchaseRate` = repeatCustomers / customers. ' +
  '`revenue.new` / `revenue.returning` = totals of those orders not returned, from customers whose first order is in the period / before it; `newShare` = new / total. ' +
  '`messages` = messages created in the period, by module and current status. ' +
  '`checkIns`: check-ins created in the period (`asked`), of them answered, good, problem; `answerRate` = answered / asked; `problemRate` = problem / answered. ' +
  '`cases`: opened in the period, resolved in the period. `tasks` (held-out ones excepted): created in the period, completed in the period, overdue = created before `to`, due before `to` and not completed by `to`.';

export const RULES_DOC =
  PERIOD +
  'One row per rule, by module then name. The cohort is the rule’s entries created in the period: message rows (treated: any status but `held_out`; held out: `held_out`) and task rows. ' +
  '`customers.treated` / `customers.holdout` = distinct customers of those entries; `conversions.*` = distinct customers with a conversion attributed to one of those entries (at any time; see README "Attribution"); ' +
  '`conversionRate.*` = conversions / customers; `attributedRevenue` = sum of the treated conversions’ revenue; `lift` = (treated rate − holdout rate) / holdout rate; ' +
  '`pValue` = two-sided pooled two-proportion z-test; `warning` when there is no holdout, a group has fewer than 30 customers, or there are fewer than 10 conversions in all.';

export const WIN_LOSS_DOC =
  PERIOD +
  '`defections` = customers with a `customer.churned` event in the period (their latest one), by `reason` and `competitor`: customers, `wonBack` (ordered again since, up to now), ' +
  '`revenue` (their `totalSpent`: orders not cancelled, not returned), `clv` and `valueTiers` (customers by current value tier). ' +
  '`cancellations` / `returns` = orders cancelled / returned in the period by reason: orders, distinct customers, `value` (sum of totals), customers by value tier. ' +
  '`lostCustomers` = the defected customers (at most 100), those worth keeping (value tier high or medium) first, then by CLV and revenue, highest first.';
