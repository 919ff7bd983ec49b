/**
 * Campaigns: drafts, the lifecycle (draft → scheduled → running ⇄ paused → completed),
 * runs started by the worker with their audience frozen in one statement.
 */
import { defineModule } from '../module.js';
import { campaignsCustomerData } from './customer-data.js';
import type { CampaignErrorCode as Code } from './error-codes.js';
import { campaignPermissions, campaignsFacade } from './facade.js';
import { registerHoldoutRoutes } from './holdout/routes.js';
import { registerCampaignMessageRoutes } from './message-routes.js';
import { registerCampaignRoutes } from './routes.js';

export { type DispatchDeps, type DispatchOptions, dispatchDue } from './dispatch.js';
export { dispatchPolicySchema } from './dispatch-policy.js';
export { CampaignErrorCode } from './error-codes.js';
export type { HoldoutComparison, HoldoutQuery } from './holdout/schema.js';
export { isHeldOut } from './holdout/snapshot.js';
export type {
  CampaignMessage,
  CampaignMessageEvent,
  CampaignMessagePage,
} from './messages.js';
export { providerChain, sendChunk } from './provider-send.js';
export { providerPace } from './rate-limit.js';
export { createCampaignRenderer, renderWithTemplates } from './render.js';
export { type CampaignRun, type SchedulerDeps, startDueCampaigns } from './runs.js';
export type {
  CampaignCreate,
  CampaignSchedule,
  CampaignTest,
  CampaignUpdate,
  MessageListQuery,
} from './schema.js';
export type { Campaign } from './service.js';
export type { CampaignTestResult } from './test-send.js';

export const campaignsModule = defineModule({
  name: 'campaigns',
  tenantTables: [
    'campaigns',
    'campaign_runs',
    'campaign_audience',
    'campaign_deliveries',
    'campaign_holdouts',
  ],
  customerData: campaignsCustomerData,
  permissions: campaignPermissions,
  errorStatus: {
    CAMPAIGN_NOT_FOUND: 404,
    CAMPAIGN_RUN_NOT_FOUND: 404,
    CAMPAIGN_INVALID_TRANSITION: 409,
    CAMPAIGN_LOCKED: 409,
    CAMPAIGN_INCOMPLETE: 409,
    // The request was fine; the provider behind us refused or failed.
    CAMPAIGN_TEST_FAILED: 502,
    CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND: 404,
    CAMPAIGN_OUTCOME_NOT_HELD: 409,
    CAMPAIGN_PROVIDER_NOT_CONFIGURED: 409,
  } satisfies Record<Code, number>,
  routes: (app) => {
    registerCampaignRoutes(app);
    registerCampaignMessageRoutes(app);
    registerHoldoutRoutes(app);
  },
  facade: campaignsFacade,
});
