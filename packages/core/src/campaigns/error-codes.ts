/** Error codes of the campaigns module. */
export const CampaignErrorCode = {
  /** No such campaign in the caller's organization. */
  CAMPAIGN_NOT_FOUND: 'CAMPAIGN_NOT_FOUND',
  /** The action does not apply in the campaign's status (e.g. pausing a draft). */
  CAMPAIGN_INVALID_TRANSITION: 'CAMPAIGN_INVALID_TRANSITION',
  /** Template, segment, channel or holdout share cannot change once the campaign has started. */
  CAMPAIGN_LOCKED: 'CAMPAIGN_LOCKED',
  /** Scheduling needs a template and a segment, and the template's channel must match. */
  CAMPAIGN_INCOMPLETE: 'CAMPAIGN_INCOMPLETE',
  /** No such run of a campaign in the caller's organization. */
  CAMPAIGN_RUN_NOT_FOUND: 'CAMPAIGN_RUN_NOT_FOUND',
  /** The provider refused a test send, or could not be reached; `details` says why. */
  CAMPAIGN_TEST_FAILED: 'CAMPAIGN_TEST_FAILED',
  /** No campaign message with this id in the caller's organization. */
  CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND: 'CAMPAIGN_UNKNOWN_OUTCOME_NOT_FOUND',
  /** The message is not held (already resolved, never unknown) or a resend is under way. */
  CAMPAIGN_OUTCOME_NOT_HELD: 'CAMPAIGN_OUTCOME_NOT_HELD',
  /**
   * The provider a held message may have reached is no longer configured: a resend through
   * another could deliver it twice, so it is not resent (resolve it by hand).
   */
  CAMPAIGN_PROVIDER_NOT_CONFIGURED: 'CAMPAIGN_PROVIDER_NOT_CONFIGURED',
} as const;

export type CampaignErrorCode = (typeof CampaignErrorCode)[keyof typeof CampaignErrorCode];
