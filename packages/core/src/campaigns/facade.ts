/**
 * The campaigns module's part of `gt.as(actor)`: drafts, the lifecycle actions, runs and
 * their frozen audiences.
 */
import type { Selectable } from 'kysely';
import type { CampaignAudienceTable } from '../db/types.js';
import type { FacadeContext } from '../module.js';
import { compareHoldout } from './holdout/comparison.js';
import type { HoldoutComparison, HoldoutQuery } from './holdout/schema.js';
import { type CampaignMessagePage, listCampaignMessages } from './messages.js';
import { type CampaignRun, listAudience, listRuns } from './runs.js';
import type {
  AudienceQuery,
  CampaignCreate,
  CampaignSchedule,
  CampaignTest,
  CampaignUpdate,
  MessageListQuery,
  UnknownOutcomeQuery,
  UnknownOutcomeResolution,
} from './schema.js';
import {
  type Campaign,
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  unscheduleCampaign,
  updateCampaign,
} from './service.js';
import { type CampaignTestResult, sendCampaignTest } from './test-send.js';
import {
  listUnknownOutcomes,
  resendUnknownOutcome,
  resolveUnknownOutcome,
  type UnknownOutcome,
  type UnknownOutcomeResult,
} from './unknown-outcomes.js';

export const campaignPermissions = {
  /** Campaigns, their runs and audiences (who was or will be messaged). */
  'campaign.read': 'staff',
  /** Drafting and editing campaigns. Nothing is sent until an admin schedules it. */
  'campaign.write': 'staff',
  /** Scheduling, pausing, resuming and cancelling: what reaches customers. */
  'campaign.send': 'admin',
  'campaign.delete': 'admin',
  /**
   * A test of a campaign to one address: part of drafting (checking the rendering in a real
   * inbox), never the audience. Its own action so a token can be refused it.
   */
  'campaign.test': 'staff',
} as const;
type CampaignAction = keyof typeof campaignPermissions;

export interface CampaignsFacade {
  campaigns: {
    /** The organization's campaigns, newest first (staff+). */
    list(): Promise<Campaign[]>;
    /** One campaign (staff+). @throws `CAMPAIGN_NOT_FOUND` */
    get(campaignId: string): Promise<Campaign>;
    /**
     * A draft (staff+). @throws `VALIDATION_FAILED` for a template or segment not in the
     * organization, or a template of the other channel
     */
    create(input: CampaignCreate): Promise<Campaign>;
    /** Edits a campaign (staff+). @throws `CAMPAIGN_LOCKED` for template, segment, channel or holdout share once started */
    update(campaignId: string, input: CampaignUpdate): Promise<Campaign>;
    /** Deletes a draft (admin+). @throws `CAMPAIGN_INVALID_TRANSITION` once scheduled: cancel it */
    remove(campaignId: string): Promise<void>;
    /**
     * Schedules a draft to start at `schedule_at`, or as soon as the worker runs (admin+).
     * @throws `CAMPAIGN_INCOMPLETE` without a template and a segment
     * @example await org.campaigns.schedule(id, { schedule_at: '2026-06-01T09:00:00+02:00' })
     */
    schedule(campaignId: string, input?: CampaignSchedule): Promise<Campaign>;
    /** Back to draft before it starts (admin+). */
    unschedule(campaignId: string): Promise<Campaign>;
    /** Stops sending (admin+); `resume` continues exactly where it stopped. */
    pause(campaignId: string): Promise<Campaign>;
    resume(campaignId: string): Promise<Campaign>;
    /** Ends an unfinished campaign as completed, recording the cancellation (admin+). */
    cancel(campaignId: string): Promise<Campaign>;
    /** The campaign's runs with their stats, newest first (staff+). */
    runs(campaignId: string): Promise<CampaignRun[]>;
    /** One page of a run's frozen audience, with why each was included (staff+). */
    audience(
      campaignRunId: string,
      query?: AudienceQuery,
    ): Promise<{ items: Array<Selectable<CampaignAudienceTable>>; nextCursor: string | null }>;
    /**
     * Sends a test of the campaign to one address (staff+): its template rendered for
     * `customerId` or the sample customer (`SAMPLE_CUSTOMER`), through the channel's
     * provider, subject prefixed `[Test] `. No run, audience or `messages` row; a
     * `campaign.test` audit row records it.
     * @throws `VALIDATION_FAILED` (`to` not an email / E.164 number), `CAMPAIGN_INCOMPLETE`
     * (no template), `CUSTOMER_NOT_FOUND`, `TEMPLATE_RENDER_FAILED`, `CAMPAIGN_TEST_FAILED`
     * @example await org.campaigns.sendTest(id, { to: 'me@example.com' })
     */
    sendTest(campaignId: string, input: CampaignTest): Promise<CampaignTestResult>;
    /**
     * One page of the campaign's messages (staff+), by run and recipient, each with its
     * events; filter by `status` or `run`.
     * @example await org.campaigns.messages(id, { status: 'failed', limit: 100 })
     */
    messages(campaignId: string, query?: MessageListQuery): Promise<CampaignMessagePage>;
    /**
     * Messages held because their provider call was interrupted and the provider cannot
     * deduplicate (the dispatcher never resends those on its own), oldest first (staff+).
     * Each one's campaign has completed without it; resolve it with `resolveUnknown` or
     * `resendUnknown`.
     * @example const { items } = await org.campaigns.unknownOutcomes({ campaign_id });
     */
    unknownOutcomes(
      query?: UnknownOutcomeQuery,
    ): Promise<{ items: UnknownOutcome[]; nextCursor: string | null }>;
    /**
     * Records what the provider's own log shows for a held message: `sent` or `failed`
     * (staff+). Moves its count in the run's stats from `unknown`.
     * @throws `CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND`, `CAMPAIGN_OUTCOME_NOT_HELD`
     * @example await org.campaigns.resolveUnknown(messageId, { outcome: 'sent', note: 'in the provider log' })
     */
    resolveUnknown(
      messageId: string,
      resolution: UnknownOutcomeResolution,
    ): Promise<UnknownOutcomeResult>;
    /**
     * Sends a held message again now, under its same id (admin+). If the first call did go
     * out, the recipient gets it twice: check the provider's log first when you can.
     * @throws `CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND`, `CAMPAIGN_OUTCOME_NOT_HELD`
     */
    resendUnknown(messageId: string): Promise<UnknownOutcomeResult>;
    /**
     * Treated vs holdout (staff+): per group recipients, converters, conversion rate,
     * revenue and revenue per recipient in the window [run start, + `windowDays` (14, at
     * most 90)); the differences treated − holdout with 95 % intervals (rate: unpooled Wald;
     * revenue per recipient: Welch) and the incremental conversions and revenue. All runs
     * summed unless `runId`; `holdout`, `difference` and `incremental` are null when no
     * recipient was held out.
     * @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_RUN_NOT_FOUND`, `VALIDATION_FAILED`
     * @example const { difference } = await org.campaigns.holdout(id, { windowDays: 30 });
     */
    holdout(campaignId: string, query?: HoldoutQuery): Promise<HoldoutComparison>;
  };
}

export function campaignsFacade({ on, deps }: FacadeContext<CampaignAction>): CampaignsFacade {
  const resendDeps = {
    providers: deps.providers,
    render: deps.renderMessage,
    dispatch: deps.dispatch ?? {},
  };
  return {
    campaigns: {
      list: on('campaign.read', listCampaigns),
      get: on('campaign.read', getCampaign),
      create: on('campaign.write', createCampaign),
      update: on('campaign.write', updateCampaign),
      remove: on('campaign.delete', deleteCampaign),
      schedule: on('campaign.send', scheduleCampaign),
      unschedule: on('campaign.send', unscheduleCampaign),
      pause: on('campaign.send', pauseCampaign),
      resume: on('campaign.send', resumeCampaign),
      cancel: on('campaign.send', cancelCampaign),
      runs: on('campaign.read', listRuns),
      audience: on('campaign.read', listAudience),
      sendTest: on('campaign.test', (scope, campaignId: string, input: CampaignTest) =>
        sendCampaignTest(scope, deps.providers, campaignId, input),
      ),
      messages: on('campaign.read', listCampaignMessages),
      unknownOutcomes: on('campaign.read', listUnknownOutcomes),
      // Recording a fact is editing; sending again reaches a customer, so it is `send`.
      resolveUnknown: on('campaign.write', resolveUnknownOutcome),
      resendUnknown: on('campaign.send', (scope, messageId: string) =>
        resendUnknownOutcome(scope, resendDeps, messageId),
      ),
      holdout: on('campaign.read', compareHoldout),
    },
  };
}
