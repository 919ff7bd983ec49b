/**
 * The payments module's part of `gt.as(actor)`: the payments ledger, manual payments, and
 * recording a payment from any source (`PaymentInput`) for hosts that receive provider
 * webhooks themselves.
 */
import type { FacadeContext } from '../module.js';
import type { PaymentInput } from '../providers/payments.js';
import { recordManualPayment } from './manual.js';
import { type RecordPaymentResult, recordPayment } from './record.js';
import type { ManualPayment, PaymentListQuery } from './schema.js';
import { getPayment, listPayments, type Payment, type PaymentPage } from './service.js';

export const paymentPermissions = {
  'payment.read': 'staff',
  /** Money changes: recording a payment or refund moves an invoice's amount due. */
  'payment.record': 'admin',
} as const;
type PaymentAction = keyof typeof paymentPermissions;

export interface PaymentsFacade {
  payments: {
    /**
     * One page of payments and refunds, newest first (staff+); by invoice, status, kind.
     * @example await org.payments.list({ invoice_id: invoice.id })
     */
    list(query?: PaymentListQuery): Promise<PaymentPage>;
    /** One payment (staff+). @throws `PAYMENT_NOT_FOUND` */
    get(paymentId: string): Promise<Payment>;
    /**
     * Records a payment or refund from a provider (admin+): stored once per
     * `externalPaymentId` and applied to the invoice in the same transaction.
     * @example await org.payments.record({ externalPaymentId: 'pi_123', externalInvoiceId: 'inv_1', kind: 'payment', amountCents: 1999, currency: 'usd', status: 'succeeded', method: 'card', processedAt: new Date(), rawPayload: intent })
     */
    record(input: PaymentInput): Promise<RecordPaymentResult>;
    /**
     * Records a cash/check/transfer payment (or refund) against an invoice (admin+).
     * @throws `INVOICE_NOT_FOUND`, `PAYMENT_EXCEEDS_AMOUNT_DUE`, `REFUND_EXCEEDS_PAID`, `INVOICE_NOT_PAYABLE`
     */
    recordManual(invoiceId: string, input: ManualPayment): Promise<RecordPaymentResult>;
  };
}

export function paymentsFacade({ on }: FacadeContext<PaymentAction>): PaymentsFacade {
  return {
    payments: {
      list: on('payment.read', (scope, query?: PaymentListQuery) => listPayments(scope, query)),
      get: on('payment.read', getPayment),
      record: on('payment.record', (scope, input: PaymentInput) => recordPayment(scope, input)),
      recordManual: on('payment.record', (scope, invoiceId: string, input: ManualPayment) =>
        recordManualPayment(scope, invoiceId, input),
      ),
    },
  };
}
