import { z } from 'zod';
import { externalId } from '../../common/validation/validators';
import { TEMPLATE_KEY_PATTERN } from './default-templates.loader';
import { CONTEXT_ROOT_NAMES } from './template-context';

export const templateKey = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(
    TEMPLATE_KEY_PATTERN,
    'must be lowercase letters, digits, dots and dashes ([a-z0-9.-]+), e.g. post-purchase.check-in',
  );

/** `PUT /v1/templates/{key}`: Handlebars sources; `text` left out is generated from the HTML. */
export const templateBodySchema = z.strictObject({
  subject: z
    .string()
    .max(1000, 'must be at most 1000 characters')
    .refine((value) => value.trim() !== '', { message: 'must not be empty' }),
  html: z
    .string()
    .max(500_000, 'must be at most 500000 characters')
    .refine((value) => value.trim() !== '', { message: 'must not be empty' }),
  text: z.string().max(500_000, 'must be at most 500000 characters').nullable().optional(),
});
export type TemplateBody = z.infer<typeof templateBodySchema>;

/** A context for previews: the documented root names only, each any JSON. */
const previewContext = z.strictObject(
  Object.fromEntries(CONTEXT_ROOT_NAMES.map((name) => [name, z.unknown().optional()])) as Record<
    (typeof CONTEXT_ROOT_NAMES)[number],
    z.ZodOptional<z.ZodUnknown>
  >,
);

/** `POST /v1/templates/{key}/preview`. */
export const previewSchema = z.strictObject({
  customerId: externalId.optional(),
  context: previewContext.optional(),
  version: z.number().int().positive().optional(),
});
export type PreviewBody = z.infer<typeof previewSchema>;
