/** zod inputs and outputs of the attribution module: settings, recompute, the credit list. */
import { z } from '@hono/zod-openapi';
import { ATTRIBUTION_MODELS } from './credits.js';
import { attributionSettingsSchema } from './settings.js';

const modelSchema = z.enum(ATTRIBUTION_MODELS);

/** The settings as read: every default filled in. */
export const attributionSettingsOutSchema = z
  .object({
    touches: z.object({
      click: z.boolean(),
      open: z.boolean(),
      delivered: z.boolean(),
      utm: z.boolean(),
    }),
    lookbackDays: z.object({
      click: z.number().int(),
      open: z.number().int(),
      delivered: z.number().int(),
      utm: z.number().int(),
    }),
    halfLifeDays: z.number(),
    conversions: z.array(z.object({ name: z.string(), revenueProperty: z.string().optional() })),
  })
  .openapi('AttributionSettings');

/**
 * A change: the fields given replace the stored ones (`touches` and `lookbackDays` field by
 * field), the rest keep their value. The result must be valid settings.
 */
export const attributionSettingsUpdateSchema = z
  .object({
    touches: z
      .object({
        click: z.boolean().optional(),
        open: z.boolean().optional(),
        delivered: z.boolean().optional(),
        utm: z.boolean().optional(),
      })
      .strict()
      .optional(),
    lookbackDays: z
      .object({
        click: z.number().int().min(0).max(365).optional(),
        open: z.number().int().min(0).max(365).optional(),
        delivered: z.number().int().min(0).max(365).optional(),
        utm: z.number().int().min(0).max(365).optional(),
      })
      .strict()
      .optional(),
    halfLifeDays: z.number().positive().max(365).optional(),
    conversions: attributionSettingsSchema.shape.conversions.optional(),
  })
  .strict()
  .openapi('AttributionSettingsUpdate', { example: { touches: { open: true }, halfLifeDays: 3 } });
export type AttributionSettingsUpdate = z.input<typeof attributionSettingsUpdateSchema>;

const timestamp = z.iso.datetime({ offset: true });

/** Which conversions to attribute again: `occurred_at` in [since, until), some models. */
export const recomputeInputSchema = z
  .object({
    since: timestamp.openapi({ example: '2026-05-01T00:00:00Z' }),
    /** Default: no end. */
    until: timestamp.optional(),
    /** Default: all four. */
    model: modelSchema.optional(),
  })
  .strict()
  .refine((w) => w.until === undefined || Date.parse(w.since) < Date.parse(w.until), {
    message: 'must be after since',
    path: ['until'],
  })
  .openapi('AttributionRecompute');
/** What to recompute (the facade also takes `Date`s). */
export interface RecomputeInput {
  /** Conversions that occurred at or after this time. */
  since: string | Date;
  /** …and before this one. @default no end */
  until?: string | Date;
  /** Only this model. @default all four */
  model?: (typeof ATTRIBUTION_MODELS)[number];
}

export const recomputeResultSchema = z
  .object({
    /** Conversions in the window. */
    conversions: z.number().int(),
    /** Credits deleted (the window's, for the models). */
    deleted: z.number().int(),
    /** Credits written. */
    inserted: z.number().int(),
  })
  .openapi('AttributionRecomputeResult');

/** Filters and page of the credit list. */
export const attributionListQuerySchema = z.object({
  eventId: z.uuid().optional().openapi({ description: 'Credits of this conversion event' }),
  campaignId: z.uuid().optional().openapi({ description: 'Credits to runs of this campaign' }),
  model: modelSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(1000).optional(),
});
export type AttributionListQuery = z.input<typeof attributionListQuerySchema>;

const attributionOutSchema = z
  .object({
    id: z.uuid(),
    customer_id: z.uuid(),
    message_id: z.uuid().nullable(),
    campaign_run_id: z.uuid().nullable(),
    event_id: z.uuid().openapi({ description: 'The conversion event' }),
    conversion_name: z.string(),
    revenue_cents: z.number().int().openapi({ description: 'Negative for a refund' }),
    attributed_model: modelSchema,
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Attribution');

export const attributionPageSchema = z
  .object({ items: z.array(attributionOutSchema), nextCursor: z.string().nullable() })
  .openapi('AttributionPage');
