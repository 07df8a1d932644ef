import { z } from 'zod';
import { validationProblem } from '../../common/problem/problem';
import { isoDateTime } from '../../common/validation/validators';

/** The period a report covers: `from` included, `to` excluded. */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

/** Without `from`, a report covers this many days before `to`. */
export const DEFAULT_PERIOD_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The query every report takes. `format=csv` is the same as `Accept: text/csv`, for links a
 * browser opens (it cannot set the header).
 */
export const reportQuerySchema = z.strictObject({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/**
 * The period of a validated query: `to` defaults to now, `from` to 30 days before `to`.
 * A period must not be empty, so `from` must come before `to` (422 naming `from`).
 */
export function resolvePeriod(query: Pick<ReportQuery, 'from' | 'to'>, now: Date): ReportPeriod {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from
    ? new Date(query.from)
    : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw validationProblem([
      {
        path: 'from',
        message: query.to
          ? 'must be before `to`'
          : 'must be before `to` (now, when `to` is left out)',
      },
    ]);
  }
  return { from, to };
}
