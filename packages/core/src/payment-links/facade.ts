/**
 * The payment-links module's part of `gt.as(actor)`: `invoices.paymentLink` (other modules
 * add the rest of `invoices`; the tenant facade merges the parts).
 */
import type { FacadeContext } from '../module.js';
import type { PaymentLinkOut } from './schema.js';
import { invoicePaymentLink } from './service.js';

export const paymentLinkPermissions = {
  /** Getting (or making) an invoice's payment link: what staff put in an invoice message. */
  'invoice.payment_link': 'staff',
} as const;
type PaymentLinkAction = keyof typeof paymentLinkPermissions;

export interface PaymentLinksFacade {
  invoices: {
    /**
     * The invoice's payment link (staff+): the stored one while it charges the current
     * amount due, else a new one made through the organization's active payments account
     * (e.g. its `stripe` integration account) and stored on the invoice; audited.
     * Retrying after a failure cannot make a second link for the same amount.
     * @example const { url } = await org.invoices.paymentLink(invoiceId);
     * @throws `INVOICE_NOT_FOUND`, `INVOICE_NOT_PAYABLE` (paid, void or nothing due),
     * `PAYMENT_LINKS_NOT_CONFIGURED`, `PAYMENT_ACCOUNT_MISSING`, `PAYMENT_ACCOUNT_INVALID`,
     * `PAYMENT_PROVIDER_FAILED`
     */
    paymentLink(invoiceId: string): Promise<PaymentLinkOut>;
  };
}

export function paymentLinksFacade({
  on,
  deps,
}: FacadeContext<PaymentLinkAction>): PaymentLinksFacade {
  const linkDeps = { connector: deps.payments, keyring: deps.keyring };
  return {
    invoices: {
      paymentLink: on('invoice.payment_link', (scope, invoiceId: string) =>
        invoicePaymentLink(scope, linkDeps, invoiceId),
      ),
    },
  };
}
