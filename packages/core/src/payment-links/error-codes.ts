import { InvoiceErrorCode } from '../invoices/index.js';

/** Error codes of the payment-links module (a hosted payment page for an invoice). */
export const PaymentLinkErrorCode = {
  /**
   * No invoice with this id in the caller's organization. Also what another organization's
   * invoice and a malformed id produce, so ids cannot be probed. The invoices module's code
   * (it owns the lookup and the status), kept here for callers that test this table.
   */
  INVOICE_NOT_FOUND: InvoiceErrorCode.INVOICE_NOT_FOUND,
  /** The invoice is paid or void: there is nothing to pay through a link. */
  INVOICE_NOT_PAYABLE: 'INVOICE_NOT_PAYABLE',
  /** The host configured no payments provider (`providers.payments` in `createGreenTrack`). */
  PAYMENT_LINKS_NOT_CONFIGURED: 'PAYMENT_LINKS_NOT_CONFIGURED',
  /** The organization has no active integration account of the payments provider. */
  PAYMENT_ACCOUNT_MISSING: 'PAYMENT_ACCOUNT_MISSING',
  /** The organization's payments account cannot be used (its credentials lack a key, say). */
  PAYMENT_ACCOUNT_INVALID: 'PAYMENT_ACCOUNT_INVALID',
  /** The provider refused or failed to make the link; `details` say whether to retry. */
  PAYMENT_PROVIDER_FAILED: 'PAYMENT_PROVIDER_FAILED',
} as const;

export type PaymentLinkErrorCode = (typeof PaymentLinkErrorCode)[keyof typeof PaymentLinkErrorCode];
