/**
 * Error codes of the secrets kit: the configured `secret`, the credentials keyring built from
 * it, and what fails when either is missing or does not fit the stored data. All three are
 * deployment problems, not caller mistakes (hence 500s).
 */
export const SecretErrorCode = {
  /**
   * Credentials cannot be encrypted or decrypted because `createGreenTrack` got no `secret`.
   * A deployment problem, not a caller mistake (hence a 500).
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

export type SecretErrorCode = (typeof SecretErrorCode)[keyof typeof SecretErrorCode];
