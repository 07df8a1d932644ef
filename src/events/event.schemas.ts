import { z } from 'zod';
import { FieldError } from '../common/problem/problem';
import {
  currency,
  externalId,
  isoDateTime,
  money,
  nonEmptyText,
} from '../common/validation/validators';
import { toFieldErrors } from '../common/validation/zod-errors';
import { customerProfileSchema } from '../customers/customer.schemas';

/**
 * Event ids become BullMQ job ids (`event.<id>`), and BullMQ reserves `:` in ids, so the
 * alphabet is the URL-safe one plus a few separators shops use.
 */
export const eventId = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9._~@+=/-]+$/, 'may contain only letters, digits and . _ ~ @ + = / -');

/** Event types the engine emits itself; the API refuses them so nobody can forge one. */
export const ENGINE_EVENT_TYPES = [
  'check_in.answered',
  'case.opened',
  'case.resolved',
  'task.completed',
  'message.sent',
] as const;

const orderItem = z.strictObject({
  sku: externalId,
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000),
  unitPrice: money,
});

const reason = nonEmptyText(500);

/**
 * Properties of the event types whose shape the engine relies on. Their named fields are
 * checked; further keys are kept (rules may read them as `event.properties.<name>`).
 */
export const KNOWN_EVENT_SHAPES = {
  'order.placed': z.looseObject({
    orderId: externalId,
    items: z.array(orderItem).min(1, 'must list at least one item').max(500),
    total: money,
    currency,
    couponCode: nonEmptyText(64).optional(),
  }),
  'order.delivered': z.looseObject({ orderId: externalId }),
  'order.cancelled': z.looseObject({ orderId: externalId, reason: reason.optional() }),
  'order.returned': z.looseObject({ orderId: externalId, reason: reason.optional() }),
  'customer.churned': z.looseObject({
    reason,
    competitor: nonEmptyText(200).optional(),
    note: nonEmptyText(2000).optional(),
  }),
} as const;
export type KnownEventType = keyof typeof KNOWN_EVENT_SHAPES;
export type OrderPlacedProperties = z.infer<(typeof KNOWN_EVENT_SHAPES)['order.placed']>;

const MAX_FUTURE_MS = 24 * 3600 * 1000;

export const eventSchema = z.strictObject({
  id: eventId,
  type: z
    .string()
    .max(100, 'must be at most 100 characters')
    .regex(
      /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/,
      'must be dotted lower-case words such as order.placed',
    ),
  customerId: externalId,
  occurredAt: isoDateTime,
  properties: z
    .record(z.string().max(100), z.unknown())
    .refine((p) => Object.keys(p).length <= 100, { message: 'at most 100 properties' })
    .optional(),
  customer: customerProfileSchema.optional(),
});
export type EventInput = z.infer<typeof eventSchema>;

export interface ValidEvent {
  id: string;
  type: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  customer?: EventInput['customer'];
}

export type EventValidation = { ok: true; event: ValidEvent } | { ok: false; errors: FieldError[] };

/**
 * Checks one event: the envelope, then the properties of a known type. Pure, so a batch
 * can validate each item on its own and report every rejected one.
 */
export function validateEvent(input: unknown, now: Date = new Date()): EventValidation {
  const parsed = eventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const event = parsed.data;
  const errors: FieldError[] = [];
  if ((ENGINE_EVENT_TYPES as readonly string[]).includes(event.type)) {
    errors.push({ path: 'type', message: "is reserved for the engine's own events" });
  }
  const occurredAt = new Date(event.occurredAt);
  if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_MS) {
    errors.push({ path: 'occurredAt', message: 'must not be more than 24 hours in the future' });
  }
  const properties = event.properties ?? {};
  const shape = KNOWN_EVENT_SHAPES[event.type as KnownEventType] as z.ZodType | undefined;
  if (shape) {
    const checked = shape.safeParse(properties);
    if (!checked.success) errors.push(...toFieldErrors(checked.error, ['properties']));
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    event: {
      id: event.id,
      type: event.type,
      customerId: event.customerId,
      occurredAt,
      properties,
      customer: event.customer,
    },
  };
}
