import { z } from 'zod';
import type { FieldError } from '../../common/problem/problem';
import { toFieldErrors } from '../../common/validation/zod-errors';

export const CHECK_IN_ANSWERS = ['good', 'problem'] as const;
export type CheckInAnswer = (typeof CHECK_IN_ANSWERS)[number];

export const COMMENT_MAX = 2000;

/** `POST /c/{token}`: what the customer answered, with an optional comment. */
export const checkInAnswerSchema = z.strictObject({
  answer: z.enum(CHECK_IN_ANSWERS, {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be "good" or "problem"'),
  }),
  comment: z
    .string()
    .max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`)
    .nullable()
    .optional()
    // An empty comment box is no comment.
    .transform((value) => (value && value.trim() !== '' ? value.trim() : null)),
});

export interface CheckInAnswerInput {
  answer: CheckInAnswer;
  comment: string | null;
}

export type ParsedAnswer =
  { ok: true; value: CheckInAnswerInput } | { ok: false; errors: FieldError[] };

/**
 * A JSON body is checked strictly, like every API body. A form of the page only ever
 * carries `answer` and `comment`: anything else (a browser extension's field) is ignored.
 */
export function parseCheckInAnswer(body: unknown, source: 'json' | 'form'): ParsedAnswer {
  const input =
    source === 'form' && body !== null && typeof body === 'object'
      ? pick(body as Record<string, unknown>, ['answer', 'comment'])
      : (body ?? {});
  const parsed = checkInAnswerSchema.safeParse(input);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: toFieldErrors(parsed.error) };
}

/** The answer a one-click link preselects (`?answer=good`), or null for anything else. */
export function preselectedAnswer(query: unknown): CheckInAnswer | null {
  return (CHECK_IN_ANSWERS as readonly unknown[]).includes(query) ? (query as CheckInAnswer) : null;
}

const pick = (body: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((key) => body[key] !== undefined).map((key) => [key, body[key]]));
