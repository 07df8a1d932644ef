import { z } from 'zod';
import { externalId } from '../../common/validation/validators';
import { COMMENT_MAX } from './check-in-answer';

/** `POST /v1/check-ins`: support staff ask a customer how it is going, now. */
export const manualCheckInSchema = z.strictObject({
  /** The shop's customer id. */
  customerId: externalId,
  /** The shop's order id; it must be one of the customer's orders. */
  orderId: externalId.optional(),
  /** Support's own note (why they asked); stored with the check-in, not shown to the customer. */
  note: z.string().trim().max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`).optional(),
  /** Send even though the customer was asked about this order in the last 24 hours. */
  force: z.boolean().default(false),
});
export type ManualCheckInInput = z.infer<typeof manualCheckInSchema>;

/** `POST /v1/cases/{id}/resolve`. */
export const resolveCaseSchema = z.strictObject({
  resolution: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`),
});
export type ResolveCaseInput = z.infer<typeof resolveCaseSchema>;

export const CASE_STATUSES = ['open', 'resolved'] as const;

/** `GET /v1/cases`. */
export const listCasesQuery = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  customerId: externalId.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;

export const caseIdParam = z.uuid({ error: 'must be a case id (a UUID)' });
