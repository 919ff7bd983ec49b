/**
 * Input and output of the holdout comparison (`GET /campaigns/{id}/holdout`).
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../../http/schemas.js';

export const holdoutQuerySchema = z.object({
  /** Only this run; omitted: every run of the campaign, summed. */
  runId: z.uuid().optional(),
  /** Conversions count from the run's start to this many days after it. @default 14 */
  windowDays: z.coerce.number().int().min(1).max(90).default(14),
});
export type HoldoutQuery = z.input<typeof holdoutQuerySchema>;

const groupOutSchema = z
  .object({
    recipients: z.number().int(),
    /** Recipients with at least one conversion (refunds not counted) in the window. */
    converters: z.number().int(),
    conversion_rate: z.number(),
    /** Conversion revenue in the window, refunds included (integer cents). */
    revenue_cents: z.number().int(),
    revenue_per_recipient_cents: z.number(),
  })
  .openapi('HoldoutGroup');

const intervalOutSchema = z
  .object({
    estimate: z.number(),
    /** The 95 % interval; null when a group is too small to have one. */
    low: z.number().nullable(),
    high: z.number().nullable(),
  })
  .openapi('HoldoutInterval');

export const holdoutComparisonOutSchema = z
  .object({
    campaign_id: z.uuid(),
    /** The run compared; null: all the campaign's runs, summed. */
    run_id: z.uuid().nullable(),
    window_days: z.number().int(),
    /** The earliest run start and the latest window end covered. */
    window: z.object({ from: Timestamp, until: Timestamp }).nullable(),
    /** The recipients not held out (intent to treat: sent or not). */
    treated: groupOutSchema,
    /** The held-out recipients; null when the runs held none out. */
    holdout: groupOutSchema.nullable(),
    /** treated − holdout, with 95 % intervals (rate: Wald; revenue: Welch); null without holdout. */
    difference: z
      .object({
        conversion_rate: intervalOutSchema,
        revenue_per_recipient_cents: intervalOutSchema,
      })
      .nullable(),
    /** The difference times the treated recipients: what the campaign added. */
    incremental: z
      .object({ conversions: intervalOutSchema, revenue_cents: intervalOutSchema })
      .nullable(),
  })
  .openapi('HoldoutComparison');
/** The comparison as the facade returns it (timestamps as `Date`; JSON has ISO strings). */
export type HoldoutComparison = Omit<z.output<typeof holdoutComparisonOutSchema>, 'window'> & {
  window: { from: Date; until: Date } | null;
};
