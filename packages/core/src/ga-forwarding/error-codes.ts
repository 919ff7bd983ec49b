/** Error codes of Google Analytics forwarding. */
export const GaForwardingErrorCode = {
  /** The host configured no forwarder (`providers.analytics` in `createGreenTrack`). */
  GA_FORWARDING_NOT_CONFIGURED: 'GA_FORWARDING_NOT_CONFIGURED',
  /** The organization has no active `google_analytics` integration account (404). */
  GA_ACCOUNT_NOT_FOUND: 'GA_ACCOUNT_NOT_FOUND',
  /** The account's credentials lack `measurementId` or `apiSecret`, or are malformed. */
  GA_ACCOUNT_INVALID: 'GA_ACCOUNT_INVALID',
  /** The Measurement Protocol could not be reached or refused the call; `details.retryable`. */
  GA_PROVIDER_FAILED: 'GA_PROVIDER_FAILED',
} as const;

export type GaForwardingErrorCode =
  (typeof GaForwardingErrorCode)[keyof typeof GaForwardingErrorCode];
