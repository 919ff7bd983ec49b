/** Error codes of invoice delivery (`invoices.send`). */
export const InvoiceDeliveryErrorCode = {
  /** The invoice has no customer linked, so there is no one to send it to. */
  INVOICE_NO_RECIPIENT: 'INVOICE_NO_RECIPIENT',
  /** A `void` invoice is withdrawn: it is never sent. */
  INVOICE_NOT_SENDABLE: 'INVOICE_NOT_SENDABLE',
  /**
   * A requested channel cannot reach the customer: no address, or the address is
   * suppressed (hard bounce, complaint, SMS STOP). `details.channels` says which and why.
   */
  INVOICE_RECIPIENT_UNREACHABLE: 'INVOICE_RECIPIENT_UNREACHABLE',
  /** Every requested channel's provider refused or failed; `details.deliveries` says how. */
  INVOICE_SEND_FAILED: 'INVOICE_SEND_FAILED',
} as const;
export type InvoiceDeliveryErrorCode =
  (typeof InvoiceDeliveryErrorCode)[keyof typeof InvoiceDeliveryErrorCode];
