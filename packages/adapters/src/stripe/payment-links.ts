/**
 * Stripe Payment Links for invoices: the `PaymentLinkConnector` core's `payment-links` module
 * uses to give an invoice a hosted payment page.
 */
import type {
  PaymentLink,
  PaymentLinkConnector,
  PaymentLinkProvider,
  PaymentLinkRequest,
} from '@greentrack/core';
import type Stripe from 'stripe';
import { abortable } from '../internal/abortable.js';
import { stripeFailure } from './errors.js';
import { StripeMetadataKey } from './metadata.js';
import { type StripePaymentsOptions, stripeClient } from './options.js';

/** The metadata that maps a payment made through the link back to the invoice. */
function invoiceMetadata(request: PaymentLinkRequest): Record<string, string> {
  return {
    [StripeMetadataKey.invoiceId]: request.invoiceId,
    [StripeMetadataKey.organizationId]: request.organizationId,
    [StripeMetadataKey.externalInvoiceId]: request.externalInvoiceId,
  };
}

/** The parameters of `POST /v1/payment_links` for one invoice. */
export function paymentLinkParams(request: PaymentLinkRequest): Stripe.PaymentLinkCreateParams {
  const metadata = invoiceMetadata(request);
  return {
    // An inline price: one invoice is one amount, so a reusable Price object would only
    // be clutter in the account's catalogue (and a second request to make idempotent).
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: request.currency.toLowerCase(),
          unit_amount: request.amountCents,
          product_data: { name: request.description, metadata },
        },
      },
    ],
    metadata,
    // Checkout copies the link's metadata to its sessions, not to the PaymentIntent: without
    // this a `payment_intent.*` or `charge.*` event could not find its invoice.
    payment_intent_data: { metadata, description: request.description },
    // An invoice is paid once: the link stops taking payments after the first completed one.
    restrictions: { completed_sessions: { limit: 1 } },
  };
}

/** A `PaymentLinkProvider` over one Stripe client. */
export function stripePaymentLinks(client: Stripe): PaymentLinkProvider {
  return {
    async createPaymentLink(request, options = {}): Promise<PaymentLink> {
      try {
        // The SDK takes no signal: an abort stops the wait, and a retry with the same
        // idempotency key gets the link the abandoned request may have made.
        const link = await abortable(
          client.paymentLinks.create(paymentLinkParams(request), {
            idempotencyKey: request.idempotencyKey,
          }),
          options.signal,
        );
        return { id: link.id, url: link.url };
      } catch (error) {
        throw stripeFailure(error);
      }
    },
  };
}

/**
 * Stripe as the payments provider: `providers: { payments: stripePayments() }` in
 * `createGreenTrack`. Each organization connects its own Stripe account as an integration
 * account (`provider: 'stripe'`, credentials `{ secretKey: 'sk_…' }`); core connects it when
 * an invoice needs a payment link.
 * @example
 * import { stripePayments } from '@greentrack/adapters/stripe';
 * const gt = await createGreenTrack({ providers: { payments: stripePayments({ apiVersion: '2026-10-28.endive' }) } });
 * await org.integrations.create({ provider: 'stripe', credentials: { secretKey: 'sk_live_…' } });
 * const { url } = await org.invoices.paymentLink(invoiceId);
 */
export function stripePayments(options: StripePaymentsOptions = {}): PaymentLinkConnector {
  return {
    provider: 'stripe',
    connect(credentials): PaymentLinkProvider {
      const secretKey = credentials.secretKey ?? options.apiKey;
      if (secretKey === undefined || secretKey.trim() === '') {
        throw new TypeError(
          "stripePayments(): the integration account's credentials need a `secretKey` (or pass `apiKey`).",
        );
      }
      return stripePaymentLinks(stripeClient(secretKey, options));
    },
  };
}
