/**
 * zod inputs and outputs of the customer timeline. The output schemas describe the JSON the
 * HTTP route returns (timestamps as ISO strings); the typed client takes its types from here.
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../http/schemas.js';

/**
 * Every kind of timeline item, in the order ties on `occurred_at` are broken (newest first:
 * `payment` before `message_event` before `message` … before `attribution`): plain byte
 * order of the names, as `ORDER BY type COLLATE "C" DESC` sorts them.
 */
export const TIMELINE_TYPES = [
  'attribution',
  'event',
  'invoice',
  'message',
  'message_event',
  'payment',
] as const;

export type TimelineType = (typeof TIMELINE_TYPES)[number];

const typeSet: ReadonlySet<string> = new Set(TIMELINE_TYPES);

/** Input of `getCustomerTimeline`. */
export interface TimelineQuery {
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Items per page, 1–200.
   * @default 50
   */
  limit?: number;
  /**
   * Only these kinds (an array, or a comma-separated string as in the HTTP query).
   * @default every kind
   * @example ['message', 'message_event']
   */
  types?: readonly TimelineType[] | string;
}

/** Parses and defaults a `TimelineQuery`; bad values fail with `VALIDATION_FAILED`. */
export const timelineQuerySchema = z.object({
  cursor: z.string().max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  types: z
    .union([z.string(), z.array(z.string())])
    .transform((value, ctx) => {
      const names = (Array.isArray(value) ? value : value.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
      for (const name of names) {
        if (!typeSet.has(name))
          ctx.addIssue({
            code: 'custom',
            message: `unknown type '${name}'; one of ${TIMELINE_TYPES.join(', ')}`,
          });
      }
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one type' });
      return [...new Set(names)] as TimelineType[];
    })
    .optional()
    .openapi({
      description: `Only these kinds, comma-separated or repeated: ${TIMELINE_TYPES.join(', ')}`,
      example: 'message,message_event',
    }),
});

const nullableString = z.string().nullable();

const messageData = z.object({
  channel: z.enum(['email', 'sms']),
  status: z.enum(['queued', 'sent', 'delivered', 'bounced', 'failed']),
  to_address: z.string(),
  subject: nullableString,
  provider: nullableString,
  campaign_run_id: z.uuid().nullable(),
  template_id: z.uuid().nullable(),
  sent_at: Timestamp.nullable(),
});

const messageEventData = z.object({
  message_id: z.uuid(),
  event_type: z.enum(['delivered', 'open', 'click', 'bounce', 'spam', 'unsubscribe']),
  channel: z.enum(['email', 'sms']),
  subject: nullableString,
  metadata: z.unknown(),
});

const eventData = z.object({
  name: z.string(),
  source: nullableString,
  session_id: z.uuid().nullable(),
  ga_client_id: nullableString,
  utm_source: nullableString,
  utm_medium: nullableString,
  utm_campaign: nullableString,
  referrer: nullableString,
  properties: z.unknown(),
});

const invoiceData = z.object({
  external_invoice_id: z.string(),
  status: z.enum(['draft', 'sent', 'paid', 'overdue', 'void']).nullable(),
  currency: nullableString,
  total_cents: z.number().int().nullable(),
  amount_due_cents: z.number().int().nullable(),
  due_date: z.string().nullable().openapi({ format: 'date' }),
  updated_at: Timestamp,
});

const paymentData = z.object({
  invoice_id: z.uuid(),
  external_invoice_id: z.string(),
  external_payment_id: z.string(),
  amount_cents: z.number().int(),
  currency: nullableString,
  status: z.enum(['succeeded', 'failed', 'pending']),
  method: nullableString,
  processed_at: Timestamp.nullable(),
});

const attributionData = z.object({
  conversion_name: z.string(),
  revenue_cents: z.number().int(),
  attributed_model: z.enum(['last_click', 'first_touch', 'linear', 'time_decay']),
  message_id: z.uuid().nullable(),
  campaign_run_id: z.uuid().nullable(),
  event_id: z.uuid(),
});

const item = <T extends TimelineType, D extends z.ZodType>(type: T, data: D) =>
  z.object({
    type: z.literal(type),
    id: z.uuid(),
    occurred_at: Timestamp,
    summary: z.string().openapi({ example: 'Email sent: Spring sale' }),
    data,
  });

const timelineItemSchema = z
  .discriminatedUnion('type', [
    item('message', messageData),
    item('message_event', messageEventData),
    item('event', eventData),
    item('invoice', invoiceData),
    item('payment', paymentData),
    item('attribution', attributionData),
  ])
  .openapi('TimelineItem');

export const timelinePageSchema = z
  .object({ items: z.array(timelineItemSchema), nextCursor: z.string().nullable() })
  .openapi('TimelinePage');
