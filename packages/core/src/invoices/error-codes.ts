/** Error codes of the invoices module. */
export const InvoiceErrorCode = {
  /** No such invoice in the caller's organization. */
  INVOICE_NOT_FOUND: 'INVOICE_NOT_FOUND',
} as const;

export type InvoiceErrorCode = (typeof InvoiceErrorCode)[keyof typeof InvoiceErrorCode];
