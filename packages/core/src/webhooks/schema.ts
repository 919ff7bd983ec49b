/**
 * zod inputs and outputs of the webhooks module.
 */
import { z } from 'zod';

const providerSchema = z.enum(['sendgrid', 'postmark', 'twilio', 'stripe', 'zeroinvoice']);
const statusSchema = z.enum(['pending', 'processed', 'failed']);

/** Filters and page of `org.webhooks.list`. */
export const webhookListQuerySchema = z.strictObject({
  status: statusSchema.optional(),
  provider: providerSchema.optional(),
  /** Only rows received at or after this instant. */
  since: z.coerce.date().optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  /** @default 50 */
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type WebhookListQuery = z.input<typeof webhookListQuerySchema>;

/** What `org.webhooks.reprocess` puts back in the queue. */
export const webhookReprocessSchema = z.strictObject({
  /** Only failed rows can be reprocessed (a processed one is replayed by id). */
  status: z.literal('failed'),
  /** Only rows received at or after this instant. @default every failed row */
  since: z.coerce.date().optional(),
});
export type WebhookReprocessInput = z.input<typeof webhookReprocessSchema>;

/** A stored webhook in a list (JSON form): what arrived and how processing went, no payload. */
const webhookSummaryOutSchema = z
  .strictObject({
    id: z.uuid(),
    provider: z.string(),
    integration_account_id: z.uuid(),
    event_type: z.string().nullable(),
    event_count: z.number().int(),
    status: statusSchema,
    /** Processing runs so far (inline, worker, reprocess, replay). */
    attempts: z.number().int(),
    error: z.string().nullable(),
    received_at: z.iso.datetime(),
    processed_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'WebhookSummary' });

/** One stored webhook with its headers (secrets redacted) and payload. */
export const webhookOutSchema = webhookSummaryOutSchema
  .extend({
    headers: z.record(z.string(), z.string()).nullable(),
    payload: z.unknown(),
  })
  .meta({ id: 'Webhook' });

export const webhookPageOutSchema = z
  .object({ items: z.array(webhookSummaryOutSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'WebhookPage' });

export const webhookReprocessOutSchema = z
  .object({ queued: z.number().int() })
  .meta({ id: 'WebhookReprocessResult' });

export const webhookStatsOutSchema = z
  .object({
    /** Stored webhooks of the organization by status. */
    byStatus: z.object({ pending: z.number(), processed: z.number(), failed: z.number() }),
    /** Per integration account, requests that failed verification (nothing of them stored). */
    verificationFailures: z.array(
      z.object({
        integration_account_id: z.uuid(),
        failures: z.number().int(),
        last_reason: z.string(),
        last_failed_at: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: 'WebhookStats' });

type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]: Date | Extract<T[P], null> };

/** A stored webhook in a list, as services return it (timestamps as `Date`). */
export type WebhookSummary = Dated<
  z.output<typeof webhookSummaryOutSchema>,
  'received_at' | 'processed_at'
>;
/** One stored webhook, as services return it. */
export type WebhookOut = Dated<z.output<typeof webhookOutSchema>, 'received_at' | 'processed_at'>;
/** One page of `org.webhooks.list`, newest first. */
export interface WebhookPage {
  items: WebhookSummary[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}
/** `org.webhooks.stats()`. */
export type WebhookStats = Omit<z.output<typeof webhookStatsOutSchema>, 'verificationFailures'> & {
  verificationFailures: Array<
    Dated<z.output<typeof webhookStatsOutSchema>['verificationFailures'][number], 'last_failed_at'>
  >;
};
