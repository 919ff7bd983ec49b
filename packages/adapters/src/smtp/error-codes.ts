/** Codes of the errors the SMTP adapter throws itself (provider failures carry SMTP reply codes). */
export const SmtpErrorCode = {
  /** `smtpEmail()` was given neither a transport nor a host, or a bad batch size or rate. */
  SMTP_CONFIG_INVALID: 'SMTP_CONFIG_INVALID',
  /** Some message of the batch may or may not have been accepted (see `ProviderError.outcome`). */
  SMTP_OUTCOME_UNKNOWN: 'SMTP_OUTCOME_UNKNOWN',
} as const;
