/** Error codes of the webhooks module. */
export const WebhookErrorCode = {
  /**
   * A webhook request that could not be verified: no such active account of this provider,
   * or a missing, stale or wrong signature. One code and one message for all of them, so the
   * public route tells a prober nothing about which ids exist; the reason is counted on the
   * account (`org.webhooks.stats()`). Nothing is stored.
   */
  WEBHOOK_UNVERIFIED: 'WEBHOOK_UNVERIFIED',
  /** No webhook source is configured for this provider (`providers.webhooks`). */
  WEBHOOK_PROVIDER_NOT_CONFIGURED: 'WEBHOOK_PROVIDER_NOT_CONFIGURED',
  /** No stored webhook with this id in the caller's organization. */
  WEBHOOK_NOT_FOUND: 'WEBHOOK_NOT_FOUND',
} as const;

export type WebhookErrorCode = (typeof WebhookErrorCode)[keyof typeof WebhookErrorCode];
