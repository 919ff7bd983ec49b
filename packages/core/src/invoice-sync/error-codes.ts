/** Error codes of the invoice sync. */
export const InvoiceSyncErrorCode = {
  /** No `providers.invoices` is configured on this GreenTrack instance. */
  INVOICE_SYNC_NOT_CONFIGURED: 'INVOICE_SYNC_NOT_CONFIGURED',
  /**
   * Another sync of the same integration account stored a page while this one ran (the
   * worker's and an on-demand one): this one stops; the other carries on from its page.
   */
  INVOICE_SYNC_IN_PROGRESS: 'INVOICE_SYNC_IN_PROGRESS',
} as const;

export type InvoiceSyncErrorCode = (typeof InvoiceSyncErrorCode)[keyof typeof InvoiceSyncErrorCode];
