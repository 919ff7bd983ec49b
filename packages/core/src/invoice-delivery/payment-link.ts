/**
 * The link an invoice message offers (`invoice.payment_url`).
 *
 * With a payments connector (`providers.payments`) and an invoice that can be paid, it is
 * the payment-links module's link: the stored one while it charges the amount due, else a
 * new one made through the organization's payments account — so a reminder after a partial
 * payment never offers the old amount. A failure to make one fails the send (a typed
 * `PAYMENT_*` error, retryable when the provider's was): an invoice message without its
 * way to pay is not what the caller asked for. Without a connector or a payments account,
 * or for an invoice with nothing due, it is the stored link, if any.
 */
import { isGreenTrackError } from '../errors.js';
import {
  invoicePaymentLink,
  type PaymentLinkDeps,
  PaymentLinkErrorCode,
} from '../payment-links/index.js';
import type { Scope } from '../scope.js';

/** Errors that mean "no link to offer", not "the send failed". */
const NO_LINK: ReadonlySet<string> = new Set([
  PaymentLinkErrorCode.PAYMENT_LINKS_NOT_CONFIGURED,
  PaymentLinkErrorCode.PAYMENT_ACCOUNT_MISSING,
  PaymentLinkErrorCode.INVOICE_NOT_PAYABLE,
]);

/** The payment link to show for the invoice, or null for none. */
export async function paymentLinkFor(
  scope: Scope,
  deps: PaymentLinkDeps,
  invoice: { id: string; stripe_payment_link: string | null },
): Promise<string | null> {
  if (!deps.connector) return invoice.stripe_payment_link;
  try {
    return (await invoicePaymentLink(scope, deps, invoice.id)).url;
  } catch (error) {
    if (isGreenTrackError(error) && NO_LINK.has(error.code)) return invoice.stripe_payment_link;
    throw error;
  }
}
