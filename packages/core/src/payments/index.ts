/**
 * Payments: the ledger of payments and refunds in integer cents, applied to their invoices
 * in the same transaction; manual payments; `recordPayment` for every payment source.
 */
import { defineModule } from '../module.js';
import { paymentsCustomerData } from './customer-data.js';
import type { PaymentErrorCode as Code } from './error-codes.js';
import { paymentPermissions, paymentsFacade } from './facade.js';
import { registerPaymentRoutes } from './routes.js';
import { applyPaymentEffects } from './webhook.js';

export { PaymentErrorCode } from './error-codes.js';
export type { PaymentsFacade } from './facade.js';
/** @public For every payment source in core (Stripe webhooks, the invoice sync). */
export { type RecordPaymentResult, recordPayment } from './record.js';
export type { ManualPayment, PaymentListQuery } from './schema.js';
export type { Payment, PaymentPage } from './service.js';
/** @public For the invoice webhook handler (invoice-sync), in its transaction. */
export { lockInvoiceKeys, settleInvoices } from './settle.js';

export const paymentsModule = defineModule({
  name: 'payments',
  tenantTables: ['payments'],
  customerData: paymentsCustomerData,
  permissions: paymentPermissions,
  errorStatus: {
    PAYMENT_NOT_FOUND: 404,
    PAYMENT_CURRENCY_MISMATCH: 422,
    PAYMENT_EXCEEDS_AMOUNT_DUE: 409,
    REFUND_EXCEEDS_PAID: 409,
    INVOICE_NOT_PAYABLE: 409,
  } satisfies Record<Code, number>,
  routes: registerPaymentRoutes,
  facade: paymentsFacade,
  webhookHandlers: { payment: applyPaymentEffects },
});
