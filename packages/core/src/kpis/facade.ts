/**
 * The KPI module's part of `gt.as(actor)`. Reading KPIs is reading campaigns: it is bound
 * to `campaign.read`, so whoever sees the campaigns (staff+, or a dashboard token minted
 * with that scope) sees their numbers. Refreshing the views is the module's own action.
 */
import type { ViewRefreshResult } from '../db/index.js';
import type { FacadeContext } from '../module.js';
import { type CampaignKpis, getCampaignKpis } from './campaign-kpis.js';
import { getFunnel, type KpiFunnel } from './funnel.js';
import type { CampaignKpiQuery, FunnelQuery, SeriesQuery, TopCampaignsQuery } from './schema.js';
import { getSeries, type KpiSeries } from './series.js';
import { getTopCampaigns, type TopCampaigns } from './top-campaigns.js';

export const kpiPermissions = {
  /**
   * Refreshing the materialized views now. They hold every organization, so one refresh
   * works for all: admins only, and at most once per `kpis.onDemandMinIntervalMs` for the
   * whole instance, whoever asks.
   */
  'kpi.refresh': 'admin',
} as const;
type KpiAction = keyof typeof kpiPermissions | 'campaign.read';

export interface KpisFacade {
  kpis: {
    /**
     * A campaign's counts, rates, conversions and revenue (by `model`, default
     * `last_click`), in total and per run, from the materialized views with their `asOf`
     * (staff+, `campaign.read`).
     * @throws `CAMPAIGN_NOT_FOUND`
     * @example const { rates, revenueCents, asOf } = await org.kpis.campaign(id, { model: 'linear' });
     */
    campaign(campaignId: string, query?: CampaignKpiQuery): Promise<CampaignKpis>;
    /**
     * Sends, deliveries, opens, clicks, conversions and revenue per local day of the
     * organization's time zone, every day from `from` to `to` (at most 366), live
     * (staff+, `campaign.read`).
     * @throws `VALIDATION_FAILED`, `CAMPAIGN_NOT_FOUND` (with `campaignId`)
     * @example await org.kpis.series({ from: '2026-05-01', to: '2026-05-31', campaignId })
     */
    series(query: SeriesQuery): Promise<KpiSeries>;
    /**
     * The campaigns with the most revenue credited by `model` for conversions in the period,
     * at most `limit` (≤ 50, default 10), live (staff+, `campaign.read`).
     * @throws `VALIDATION_FAILED`
     * @example await org.kpis.topCampaigns({ from: '2026-01-01', to: '2026-03-31', model: 'time_decay' })
     */
    topCampaigns(query: TopCampaignsQuery): Promise<TopCampaigns>;
    /**
     * Unique customers from the frozen audience to conversion, for the campaign or one run
     * (`runId`), live (staff+, `campaign.read`).
     * @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_RUN_NOT_FOUND`
     */
    funnel(campaignId: string, query?: FunnelQuery): Promise<KpiFunnel>;
    /**
     * Refreshes the materialized views unless they were refreshed less than
     * `kpis.onDemandMinIntervalMs` ago or another process is refreshing them (admin+);
     * `refreshed` says which, `asOf` when the views' data is from.
     * @example const { asOf } = await org.kpis.refresh();
     */
    refresh(): Promise<ViewRefreshResult>;
  };
}

export function kpisFacade({ on, deps }: FacadeContext<KpiAction>): KpisFacade {
  const views = deps.materializedViews;
  return {
    kpis: {
      campaign: on('campaign.read', getCampaignKpis),
      series: on('campaign.read', getSeries),
      topCampaigns: on('campaign.read', getTopCampaigns),
      funnel: on('campaign.read', getFunnel),
      refresh: on('kpi.refresh', async () => {
        if (!views) throw new Error('this instance was built without a view refresher');
        return views.refresher.refresh({ olderThanMs: views.onDemandMinIntervalMs });
      }),
    },
  };
}
