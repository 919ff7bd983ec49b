/**
 * A campaign's KPIs and each of its runs', read from the materialized views through the
 * organization's views of them (`kpi_campaign_performance`, `kpi_revenue_by_campaign`,
 * migration 0037), with `asOf`: when the views were last refreshed. Counts come from
 * `mv_campaign_performance`; conversions and revenue from `mv_revenue_by_campaign` for the
 * chosen model (the performance view holds `last_click` only).
 */
import { sql } from 'kysely';
import { readRefreshedAt } from '../db/index.js';
import type { MvCampaignPerformanceView } from '../db/types.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { assertCampaign } from './lookup.js';
import { type KpiCounts, type KpiRates, ratesOf, sumCounts } from './rates.js';
import { type CampaignKpiQuery, campaignKpiQuerySchema } from './schema.js';

/** Counts and rates of one run. */
export interface RunKpis extends KpiCounts {
  campaignRunId: string;
  startedAt: Date | null;
  completedAt: Date | null;
  rates: KpiRates;
}

/** A campaign's KPIs: the sum of its runs', and each run's. */
export interface CampaignKpis extends KpiCounts {
  campaignId: string;
  model: string;
  /** When the views were last refreshed (runs started since are not in them yet); null: never. */
  asOf: Date | null;
  rates: KpiRates;
  /** Oldest first. */
  runs: RunKpis[];
}

/** A run's row of the tenant view: `mv_campaign_performance`'s columns, counts as bigint text. */
type RunRow = Omit<MvCampaignPerformanceView, 'organization_id' | 'campaign_id'>;

/** @throws `CAMPAIGN_NOT_FOUND`, `VALIDATION_FAILED` (an unknown model) */
export async function getCampaignKpis(
  scope: Scope,
  campaignId: string,
  query: CampaignKpiQuery = {},
): Promise<CampaignKpis> {
  const { model } = parseInput(campaignKpiQuerySchema, query, { what: 'KPI query' });
  await assertCampaign(scope, campaignId);
  // Read before the rows: they are then at least as fresh as the `asOf` reported.
  const asOf = await readRefreshedAt(scope.db);
  // The views are not under row-level security: the organization filter is explicit here
  // as well as in the views.
  const { rows } = await sql<RunRow>`
    SELECT p.campaign_run_id, p.started_at, p.completed_at, p.sent, p.delivered, p.opened,
           p.clicked, p.bounced, p.unsubscribed,
           COALESCE(r.conversions, 0) AS conversions, COALESCE(r.revenue_cents, 0) AS revenue_cents
    FROM kpi_campaign_performance p
    LEFT JOIN kpi_revenue_by_campaign r
      ON r.campaign_run_id = p.campaign_run_id AND r.attributed_model = ${model}
     AND r.organization_id = ${scope.organizationId}
    WHERE p.organization_id = ${scope.organizationId} AND p.campaign_id = ${campaignId}
    ORDER BY p.started_at NULLS LAST, p.campaign_run_id`.execute(scope.db);
  const runs = rows.map((row): RunKpis => {
    const counts: KpiCounts = {
      sent: Number(row.sent),
      delivered: Number(row.delivered),
      opened: Number(row.opened),
      clicked: Number(row.clicked),
      bounced: Number(row.bounced),
      unsubscribed: Number(row.unsubscribed),
      conversions: Number(row.conversions),
      revenueCents: Number(row.revenue_cents),
    };
    return {
      campaignRunId: row.campaign_run_id,
      startedAt: row.started_at,
      completedAt: row.completed_at,
      ...counts,
      rates: ratesOf(counts),
    };
  });
  const total = sumCounts(runs);
  return { campaignId, model, asOf, ...total, rates: ratesOf(total), runs };
}
