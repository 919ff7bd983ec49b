/**
 * Invoice delivery: `invoices.send` renders an invoice (built-in or the organization's
 * template per channel) and sends it on the campaigns' exactly-once ledger. Overdue
 * reminders are campaigns over the `overdue_invoice` segment predicate; the dispatcher's
 * per-batch re-check lives with it in `campaigns/invoice-reminders.ts`.
 */
import { defineModule } from '../module.js';
import { invoiceDeliveryCustomerData } from './customer-data.js';
import type { InvoiceDeliveryErrorCode as Code } from './error-codes.js';
import { invoiceDeliveryFacade, invoiceDeliveryPermissions } from './facade.js';
import { registerInvoiceDeliveryRoutes } from './routes.js';

export { InvoiceDeliveryErrorCode } from './error-codes.js';
export type { InvoiceDelivery, InvoiceSend, InvoiceSendResult } from './schema.js';

export const invoiceDeliveryModule = defineModule({
  name: 'invoice-delivery',
  tenantTables: ['invoice_messages'],
  customerData: invoiceDeliveryCustomerData,
  permissions: invoiceDeliveryPermissions,
  errorStatus: {
    INVOICE_NO_RECIPIENT: 409,
    INVOICE_NOT_SENDABLE: 409,
    INVOICE_RECIPIENT_UNREACHABLE: 409,
    // The request was fine; the provider behind us refused or failed.
    INVOICE_SEND_FAILED: 502,
  } satisfies Record<Code, number>,
  routes: registerInvoiceDeliveryRoutes,
  facade: invoiceDeliveryFacade,
});
