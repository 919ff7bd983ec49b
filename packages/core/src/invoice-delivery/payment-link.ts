/**
 * THE SEAM for payment links: the link an invoice message offers (`invoice.payment_url`).
 *
 * Today it is the invoice's stored `stripe_payment_link` (or none). The payment-links
 * module (issue 12, Stripe) creates a link on demand; it replaces this one function's body
 * with its own call, and `invoices.send` picks it up unchanged.
 */
import type { Scope } from '../scope.js';

/** The payment link to show for the invoice, or null for none. */
export async function paymentLinkFor(
  _scope: Scope,
  invoice: { id: string; stripe_payment_link: string | null },
): Promise<string | null> {
  return invoice.stripe_payment_link;
}
