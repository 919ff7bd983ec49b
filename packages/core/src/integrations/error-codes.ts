/** Error codes of the integrations module (connected provider accounts and their secrets). */
export const IntegrationErrorCode = {
  /**
   * No integration account with this id in the caller's organization. Also what another
   * organization's account and a malformed id produce, so ids cannot be probed.
   */
  INTEGRATION_NOT_FOUND: 'INTEGRATION_NOT_FOUND',
  /** The organization already has an account for this provider under this name. */
  INTEGRATION_EXISTS: 'INTEGRATION_EXISTS',
  /**
   * Credentials cannot be encrypted or decrypted because `createGreenTrack` got no `secret`.
   * A deployment problem, not a caller mistake (hence a 500). The HTTP layer declares the same
   * code for token signing; both mean "configure `secret`".
   */
  SECRET_REQUIRED: 'SECRET_REQUIRED',
  /**
   * The stored credentials were encrypted under a key that is neither the current `secret`
   * nor one of the previous secrets: the secret was rotated without `rotateCredentialsKey`,
   * or without keeping the old one in the previous list.
   */
  CREDENTIALS_KEY_UNKNOWN: 'CREDENTIALS_KEY_UNKNOWN',
  /**
   * The stored credentials failed authentication: tampered with, copied from another
   * organization or provider, or not an envelope at all.
   */
  CREDENTIALS_DECRYPT_FAILED: 'CREDENTIALS_DECRYPT_FAILED',
} as const;

export type IntegrationErrorCode = (typeof IntegrationErrorCode)[keyof typeof IntegrationErrorCode];
