import { z } from 'zod';
import { isValidTimezone } from '../time/zones';

/** Field validators shared by every body: one definition of "a time zone", "a currency", … */

/**
 * A message for a format error that leaves type errors (a missing field, a number where a
 * string belongs) to Zod's own wording, which `toFieldErrors` turns into "is required".
 */
export const formatError = (message: string) => ({
  error: (issue: { code: string }) => (issue.code === 'invalid_type' ? undefined : message),
});

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const timeZone = z
  .string()
  .refine((value) => isValidTimezone(value) && !/^[+-]/.test(value), {
    message: 'must be an IANA time zone such as Europe/Paris',
  });

export const locale = z.string().refine(
  (value) => {
    if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(value)) return false;
    try {
      return Intl.getCanonicalLocales(value.replace(/_/g, '-')).length === 1;
    } catch {
      return false;
    }
  },
  { message: 'must be a BCP 47 locale such as en-US' },
);

export const currency = z.string().refine((value) => CURRENCIES.has(value), {
  message: 'must be an ISO 4217 currency code such as EUR',
});

/** A non-negative amount with at most two decimals. */
export const money = z
  .number()
  .finite()
  .min(0, 'must not be negative')
  .max(1e12, 'is too large')
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, {
    message: 'must have at most two decimals',
  });

export const isoDateTime = z.iso.datetime({
  offset: true,
  ...formatError(
    'must be an ISO-8601 date-time with a time zone offset, e.g. 2026-05-01T10:00:00Z',
  ),
});

export const email = z.email(formatError('must be a valid email address')).max(320);

/** External ids from the shop: printable, no spaces, at most 200 characters. */
export const externalId = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Free-form attributes: a flat-ish JSON object, bounded in size. */
export const attributes = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => Object.keys(value).length <= 200, { message: 'at most 200 attributes' });

export const nonEmptyText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
