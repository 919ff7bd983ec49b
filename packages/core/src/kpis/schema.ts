/**
 * zod inputs and outputs of the KPI API. Counts are numbers, money is integer cents, rates
 * are ratios in [0, 1] (or `null` when their denominator is 0), days are the organization's
 * local calendar days as `YYYY-MM-DD`.
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../http/schemas.js';

/** Most campaigns `kpis.topCampaigns` answers. */
const MAX_TOP_CAMPAIGNS = 50;

/** The attribution model whose conversions and revenue are reported. */
const modelSchema = z
  .enum(['last_click', 'first_touch', 'linear', 'time_decay'])
  .default('last_click')
  .openapi({ description: 'Attribution model of conversions and revenue' });

// Postgres has no year 0 and the day after `to` must exist: a bounded calendar, as events'.
const day = (description: string) =>
  z.iso
    // A malformed day is reported once, not again by the range check.
    .date({ abort: true })
    .refine((v) => v >= '1900-01-01' && v <= '9999-12-30', {
      message: 'must be between 1900-01-01 and 9999-12-30',
    })
    .openapi({ description, example: '2026-05-01' });

/**
 * A period of local days, both ends included (`period.ts` fills in what is left out and
 * checks its length).
 */
const periodShape = {
  from: day(
    'First local day (organization time zone), included; default: 29 days before `to`',
  ).optional(),
  to: day('Last local day (organization time zone), included; default: today').optional(),
};

/** `kpis.campaign`: which model's conversions and revenue. */
export const campaignKpiQuerySchema = z.object({ model: modelSchema });
export type CampaignKpiQuery = z.input<typeof campaignKpiQuerySchema>;

/** `kpis.series`: the period, the model, optionally one campaign. */
export const seriesQuerySchema = z.object({
  ...periodShape,
  model: modelSchema,
  campaignId: z.string().optional().openapi({ description: 'Only this campaign' }),
});
export type SeriesQuery = z.input<typeof seriesQuerySchema>;

/** `kpis.topCampaigns`: the period (by conversion time), the model, how many. */
export const topCampaignsQuerySchema = z.object({
  ...periodShape,
  model: modelSchema,
  limit: z.coerce.number().int().min(1).max(MAX_TOP_CAMPAIGNS).default(10),
});
export type TopCampaignsQuery = z.input<typeof topCampaignsQuerySchema>;

/** `kpis.funnel`: the model of the last step, optionally one run of the campaign. */
export const funnelQuerySchema = z.object({
  model: modelSchema,
  runId: z.string().optional().openapi({ description: 'One run of the campaign' }),
});
export type FunnelQuery = z.input<typeof funnelQuerySchema>;

const count = z.number().int().min(0);
const rate = z.number().min(0).nullable();

const ratesSchema = z
  .object({
    delivery: rate.openapi({ description: 'delivered / sent' }),
    open: rate.openapi({ description: 'opened / delivered' }),
    click: rate.openapi({ description: 'clicked / delivered' }),
    unsubscribe: rate.openapi({ description: 'unsubscribed / delivered' }),
    conversion: rate.openapi({ description: 'conversions / delivered' }),
  })
  .openapi('KpiRates');

const kpiCountsShape = {
  sent: count,
  delivered: count,
  opened: count,
  clicked: count,
  bounced: count,
  unsubscribed: count,
  conversions: count,
  revenueCents: z.number().int(),
  rates: ratesSchema,
};

export const campaignKpisOutSchema = z
  .object({
    campaignId: z.string(),
    model: z.string(),
    asOf: Timestamp.nullable().openapi({
      description: 'When the materialized views were last refreshed; null: never',
    }),
    ...kpiCountsShape,
    runs: z.array(
      z.object({
        campaignRunId: z.string(),
        startedAt: Timestamp.nullable(),
        completedAt: Timestamp.nullable(),
        ...kpiCountsShape,
      }),
    ),
  })
  .openapi('CampaignKpis');

export const seriesOutSchema = z
  .object({
    timeZone: z.string(),
    model: z.string(),
    days: z.array(
      z.object({
        date: z.string(),
        sends: count,
        deliveries: count,
        opens: count,
        clicks: count,
        conversions: count,
        revenueCents: z.number().int(),
      }),
    ),
  })
  .openapi('KpiSeries');

export const topCampaignsOutSchema = z
  .object({
    timeZone: z.string(),
    model: z.string(),
    items: z.array(
      z.object({
        campaignId: z.string(),
        name: z.string(),
        conversions: count,
        revenueCents: z.number().int(),
      }),
    ),
  })
  .openapi('TopCampaigns');

export const funnelOutSchema = z
  .object({
    campaignId: z.string(),
    campaignRunId: z.string().nullable(),
    model: z.string(),
    audience: count,
    sent: count,
    delivered: count,
    opened: count,
    clicked: count,
    converted: count,
  })
  .openapi('KpiFunnel');

export const refreshOutSchema = z
  .object({
    refreshed: z.boolean().openapi({
      description: 'false: the views were fresh enough, or another process was refreshing them',
    }),
    asOf: Timestamp.nullable(),
  })
  .openapi('KpiRefresh');
