/**
 * Campaigns: drafts, the lifecycle (draft → scheduled → running ⇄ paused → completed),
 * runs started by the worker with their audience frozen in one statement.
 */
import { defineModule } from '../module.js';
import { campaignsCustomerData } from './customer-data.js';
import type { CampaignErrorCode as Code } from './error-codes.js';
import { campaignPermissions, campaignsFacade } from './facade.js';
import { registerCampaignRoutes } from './routes.js';

export { type DispatchDeps, dispatchDue } from './dispatch.js';
export { CampaignErrorCode } from './error-codes.js';
export { createTemplateRenderer } from './render.js';
export { type CampaignRun, type SchedulerDeps, startDueCampaigns } from './runs.js';
export type { CampaignCreate, CampaignSchedule, CampaignUpdate } from './schema.js';
export type { Campaign } from './service.js';

export const campaignsModule = defineModule({
  name: 'campaigns',
  tenantTables: ['campaigns', 'campaign_runs', 'campaign_audience', 'campaign_deliveries'],
  customerData: campaignsCustomerData,
  permissions: campaignPermissions,
  errorStatus: {
    CAMPAIGN_NOT_FOUND: 404,
    CAMPAIGN_RUN_NOT_FOUND: 404,
    CAMPAIGN_INVALID_TRANSITION: 409,
    CAMPAIGN_LOCKED: 409,
    CAMPAIGN_INCOMPLETE: 409,
  } satisfies Record<Code, number>,
  routes: registerCampaignRoutes,
  facade: campaignsFacade,
});
