/**
 * KPIs: what the dashboards read. Per campaign and run from the materialized views (with
 * when they were last refreshed), daily series, top campaigns and funnels live from the base
 * tables; the views refreshed by the worker on a schedule and by an admin on demand.
 */
import { defineModule } from '../module.js';
import { kpiPermissions, kpisFacade } from './facade.js';
import { registerKpiRoutes } from './routes.js';

export type { CampaignKpis, RunKpis } from './campaign-kpis.js';
export type { KpisFacade } from './facade.js';
export type { KpiFunnel } from './funnel.js';
export { type KpiOptions, kpiOptionsSchema, resolveKpiOptions } from './options.js';
export type { KpiCounts, KpiRates } from './rates.js';
export { createViewRefreshPass } from './refresh-pass.js';
export type {
  CampaignKpiQuery,
  FunnelQuery,
  SeriesQuery,
  TopCampaignsQuery,
} from './schema.js';
export type { KpiSeries, SeriesDay } from './series.js';
export type { TopCampaign, TopCampaigns } from './top-campaigns.js';

export const kpisModule = defineModule({
  name: 'kpis',
  permissions: kpiPermissions,
  routes: registerKpiRoutes,
  facade: kpisFacade,
});
