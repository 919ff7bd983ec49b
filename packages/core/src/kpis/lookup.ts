/**
 * The campaign or run a KPI question names must be the organization's: another
 * organization's id answers exactly like an id that exists nowhere (404), and a malformed
 * one too — ids stay opaque.
 */
import { CampaignErrorCode } from '../campaigns/index.js';
import { GreenTrackError } from '../errors.js';
import type { Scope } from '../scope.js';
import { isUuid } from '../validation.js';

/** @throws `CAMPAIGN_NOT_FOUND` */
export async function assertCampaign(scope: Scope, campaignId: string): Promise<void> {
  const found =
    isUuid(campaignId) &&
    (await scope.db
      .selectFrom('campaigns')
      .select('id')
      .where('id', '=', campaignId)
      .where('organization_id', '=', scope.organizationId)
      .executeTakeFirst());
  if (!found)
    throw new GreenTrackError({
      code: CampaignErrorCode.CAMPAIGN_NOT_FOUND,
      message: 'Campaign not found',
    });
}

/** A run of the campaign. @throws `CAMPAIGN_RUN_NOT_FOUND` */
export async function assertRun(scope: Scope, campaignId: string, runId: string): Promise<void> {
  const found =
    isUuid(runId) &&
    (await scope.db
      .selectFrom('campaign_runs')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_runs.campaign_id')
      .select('campaign_runs.id')
      .where('campaign_runs.id', '=', runId)
      .where('campaign_runs.campaign_id', '=', campaignId)
      .where('campaigns.organization_id', '=', scope.organizationId)
      .executeTakeFirst());
  if (!found)
    throw new GreenTrackError({
      code: CampaignErrorCode.CAMPAIGN_RUN_NOT_FOUND,
      message: 'Campaign run not found',
    });
}
