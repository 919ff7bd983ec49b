/**
 * Payment links: a hosted payment page for an invoice, made through the organization's own
 * payments account (Stripe Payment Links via `@greentrack/adapters/stripe`).
 */
import type { InvoiceErrorCode } from '../invoices/index.js';
import { defineModule } from '../module.js';
import { paymentLinksCustomerData } from './customer-data.js';
import type { PaymentLinkErrorCode as Code } from './error-codes.js';
import { paymentLinkPermissions, paymentLinksFacade } from './facade.js';
import { registerPaymentLinkRoutes } from './routes.js';

export { PaymentLinkErrorCode } from './error-codes.js';
export type { PaymentLinkOut } from './schema.js';
export { invoicePaymentLink, type PaymentLinkDeps } from './service.js';

export const paymentLinksModule = defineModule({
  name: 'payment-links',
  tenantTables: ['invoice_payment_links'],
  customerData: paymentLinksCustomerData,
  permissions: paymentLinkPermissions,
  // INVOICE_NOT_FOUND is the invoices module's code, with its status there.
  errorStatus: {
    INVOICE_NOT_PAYABLE: 409,
    // The organization cannot get a link until someone (host or admin) sets payments up:
    // a conflict with the current state, not a server fault.
    PAYMENT_LINKS_NOT_CONFIGURED: 409,
    PAYMENT_ACCOUNT_MISSING: 409,
    PAYMENT_ACCOUNT_INVALID: 409,
    PAYMENT_PROVIDER_FAILED: 502,
  } satisfies Record<Exclude<Code, InvoiceErrorCode>, number>,
  routes: registerPaymentLinkRoutes,
  facade: paymentLinksFacade,
});
