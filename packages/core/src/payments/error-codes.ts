/** Error codes of the payments module. */
export const PaymentErrorCode = {
  /** No such payment in the caller's organization. */
  PAYMENT_NOT_FOUND: 'PAYMENT_NOT_FOUND',
  /** The payment's currency is not its invoice's. */
  PAYMENT_CURRENCY_MISMATCH: 'PAYMENT_CURRENCY_MISMATCH',
  /** A manual payment larger than the invoice's amount due (provider payments are kept). */
  PAYMENT_EXCEEDS_AMOUNT_DUE: 'PAYMENT_EXCEEDS_AMOUNT_DUE',
  /** A manual refund larger than what was paid on the invoice. */
  REFUND_EXCEEDS_PAID: 'REFUND_EXCEEDS_PAID',
  /** A manual payment on an invoice that takes none (draft, void; a refund needs a payment). */
  INVOICE_NOT_PAYABLE: 'INVOICE_NOT_PAYABLE',
} as const;

export type PaymentErrorCode = (typeof PaymentErrorCode)[keyof typeof PaymentErrorCode];
