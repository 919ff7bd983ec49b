/**
 * The campaign lifecycle as one table: draft → scheduled → running ⇄ paused → completed.
 * `cancel` ends any unfinished campaign as `completed`, with the cancellation recorded in
 * `metadata.cancelled` (the seed's status CHECK has no `cancelled`, and seed constraints
 * are never altered). Every status change goes through `transition`, so an action that
 * does not apply is refused the same way everywhere.
 */
import type { CampaignStatus } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import { CampaignErrorCode } from './error-codes.js';

export type { CampaignStatus };

/** What can happen to a campaign. `start` and `complete` are the worker's. */
export type CampaignAction =
  | 'schedule'
  | 'unschedule'
  | 'start'
  | 'pause'
  | 'resume'
  | 'complete'
  | 'cancel';

/** action → (status it applies in → status it leads to). */
const transitions: Record<CampaignAction, Partial<Record<CampaignStatus, CampaignStatus>>> = {
  schedule: { draft: 'scheduled' },
  unschedule: { scheduled: 'draft' },
  start: { scheduled: 'running' },
  pause: { running: 'paused' },
  resume: { paused: 'running' },
  complete: { running: 'completed' },
  cancel: { draft: 'completed', scheduled: 'completed', running: 'completed', paused: 'completed' },
};

/**
 * The status `action` leads to from `from`.
 * @throws `CAMPAIGN_INVALID_TRANSITION` (409) naming both, when the action does not apply
 */
export function transition(from: CampaignStatus, action: CampaignAction): CampaignStatus {
  const to = transitions[action][from];
  if (to === undefined) {
    throw new GreenTrackError({
      code: CampaignErrorCode.CAMPAIGN_INVALID_TRANSITION,
      message: `Cannot ${action} a campaign that is ${from}`,
      details: { status: from, action },
    });
  }
  return to;
}

/** Template, segment and channel are fixed once the campaign has started. */
export function isLocked(status: CampaignStatus): boolean {
  return status === 'running' || status === 'paused' || status === 'completed';
}
