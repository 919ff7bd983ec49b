/** Error codes thrown by `checkSendingDomain` (bad input; DNS trouble is reported, not thrown). */
export const SendingDomainErrorCode = {
  /** `domain` (or `returnPathDomain`) is not a valid domain name. `details.domain`. */
  DNS_DOMAIN_INVALID: 'DNS_DOMAIN_INVALID',
  /** A DKIM selector is not a valid DNS label sequence. `details.selector`. */
  DNS_SELECTOR_INVALID: 'DNS_SELECTOR_INVALID',
} as const;

export type SendingDomainErrorCode =
  (typeof SendingDomainErrorCode)[keyof typeof SendingDomainErrorCode];
