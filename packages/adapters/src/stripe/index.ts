/**
 * `@greentrack/adapters/stripe`: Stripe Payment Links for invoices (a `PaymentLinkConnector`)
 * and the mapping of Stripe's payment objects to GreenTrack payments, through the official
 * `stripe` SDK (an optional peer dependency).
 *
 * @example
 * import { stripePayments } from '@greentrack/adapters/stripe';
 * const gt = await createGreenTrack({ providers: { payments: stripePayments() } });
 *
 * @packageDocumentation
 */
export { stripeFailure } from './errors.js';
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
