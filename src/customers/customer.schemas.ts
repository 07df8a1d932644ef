import { z } from 'zod';
import {
  attributes,
  currency,
  email,
  externalId,
  formatError,
  locale,
  money,
  nonEmptyText,
  timeZone,
} from '../common/validation/validators';
import { EXTRA_KINDS } from './product-extra.entity';

/**
 * Bodies of the ingestion endpoints. Optional fields left out keep their stored value;
 * `null` clears them. Unknown fields are refused.
 */
export const customerProfileSchema = z.strictObject({
  email,
  firstName: nonEmptyText(100).nullable().optional(),
  lastName: nonEmptyText(100).nullable().optional(),
  locale: locale.nullable().optional(),
  timezone: timeZone.nullable().optional(),
  marketingConsent: z.boolean().optional(),
  accountId: externalId.nullable().optional(),
  attributes: attributes.optional(),
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;

export const accountSchema = z.strictObject({
  name: nonEmptyText(200),
  ownerEmail: email,
  ownerName: nonEmptyText(100).nullable().optional(),
  attributes: attributes.optional(),
});
export type AccountInput = z.infer<typeof accountSchema>;

export const productSchema = z.strictObject({
  name: nonEmptyText(300),
  price: money,
  currency,
  category: nonEmptyText(100).nullable().optional(),
  url: z
    .url({ protocol: /^https?$/, ...formatError('must be an http(s) URL') })
    .max(2000)
    .nullable()
    .optional(),
  margin: z
    .number()
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .nullable()
    .optional(),
  attributes: attributes.optional(),
  extras: z
    .array(z.strictObject({ sku: externalId, kind: z.enum(EXTRA_KINDS) }))
    .max(100)
    .refine((list) => new Set(list.map((e) => e.sku)).size === list.length, {
      message: 'lists a SKU twice',
    })
    .optional(),
});
export type ProductInput = z.infer<typeof productSchema>;
