/**
 * `@greentrack/adapters/stripe`: Stripe Payment Links for invoices (a `PaymentLinkConnector`),
 * the mapping of Stripe's payment objects to GreenTrack payments, and Stripe's webhooks as a
 * `WebhookSource` (`stripeWebhooks`), through the official `stripe` SDK (an optional peer
 * dependency).
 *
 * @example
 * import { stripePayments } from '@greentrack/adapters/stripe';
 * const gt = await createGreenTrack({ providers: { payments: stripePayments() } });
 *
 * @packageDocumentation
 */
export { stripeFailure } from './errors.js';
export {
  STRIPE_INVOICE_EVENTS,
  STRIPE_PAYMENT_EVENTS,
  type StoredStripeEvent,
  type StripeEffectOptions,
  stripeEffects,
} from './events.js';
export { sourceInvoiceFromStripe } from './invoices.js';
export { type StripeMetadata, StripeMetadataKey } from './metadata.js';
export type { StripePaymentsOptions } from './options.js';
export { paymentLinkParams, stripePaymentLinks, stripePayments } from './payment-links.js';
export {
  paymentFromCharge,
  paymentFromCheckoutSession,
  paymentFromPaymentIntent,
  paymentFromRefund,
  paymentMethodName,
  paymentsFromEvent,
  refundsFromCharge,
  type StripeEventLike,
} from './payments.js';
export { type StripeWebhooksOptions, stripeWebhooks } from './webhooks.js';
