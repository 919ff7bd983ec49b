/** Error codes of the integrations module (connected provider accounts and their secrets). */
export const IntegrationErrorCode = {
  /**
   * No integration account with this id in the caller's organization. Also what another
   * organization's account and a malformed id produce, so ids cannot be probed.
   */
  INTEGRATION_NOT_FOUND: 'INTEGRATION_NOT_FOUND',
  /** The organization already has an account for this provider under this name. */
  INTEGRATION_EXISTS: 'INTEGRATION_EXISTS',
} as const;

export type IntegrationErrorCode = (typeof IntegrationErrorCode)[keyof typeof IntegrationErrorCode];
