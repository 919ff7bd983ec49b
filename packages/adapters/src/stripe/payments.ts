/**
 * Stripe objects → `PaymentInput`, one function per object, for whatever delivers them (the
 * webhooks issue verifies Stripe's signature, then calls `paymentsFromEvent`; a poll can call
 * the per-object functions). Stripe amounts are already integer minor units, so they pass
 * through untouched; currencies come lower case.
 *
 * Which invoice a payment pays comes ONLY from our metadata
 * (`StripeMetadataKey.externalInvoiceId`), set by the payment link on the link, its Checkout
 * Sessions and its PaymentIntent. An object without it was not made for one of our invoices:
 * the mappers return `null` for it rather than guess.
 *
 * One payment, one row: a PaymentIntent, its Charge and the Checkout Session that made it all
 * map to `externalPaymentId` = the PaymentIntent's id, so however many of their events
 * arrive, `payments` (unique per organization and external id) holds the payment once.
 * Refunds are their own rows (`re_…`, kind `refund`).
 */
import type { PaymentInput, PaymentStatus } from '@greentrack/core';
import type Stripe from 'stripe';
import { externalInvoiceIdOf } from './metadata.js';

/** Stripe's payment method types that are ACH in our vocabulary. */
const ACH_TYPES = new Set(['us_bank_account', 'ach_debit', 'ach_credit_transfer']);

/** Our name of a Stripe payment method type (`card`, `ach`, `sepa_debit`, …). */
export function paymentMethodName(type: string | null | undefined): string | null {
  if (type === null || type === undefined || type === '') return null;
  return ACH_TYPES.has(type) ? 'ach' : type;
}

/** The method when a list of allowed types leaves only one; else unknown. */
function onlyMethod(types: readonly string[] | null | undefined): string | null {
  return types?.length === 1 ? paymentMethodName(types[0]) : null;
}

/** The id of an expandable field (an id, or the object when expanded). */
function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (ref === null || ref === undefined) return null;
  return typeof ref === 'string' ? ref : ref.id;
}

/** The object of an expandable field when it was expanded. */
function expanded<T extends object>(ref: string | T | null | undefined): T | null {
  return typeof ref === 'object' && ref !== null ? ref : null;
}

function fromUnixSeconds(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
}

/**
 * A PaymentIntent's status in ours. `requires_payment_method` is where Stripe puts an intent
 * whose attempt failed (with `last_payment_error` set) — and also a brand-new intent no one
 * has tried to pay yet, which is pending, not failed.
 */
function intentStatus(intent: Stripe.PaymentIntent): PaymentStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'failed';
    case 'requires_payment_method':
      return intent.last_payment_error ? 'failed' : 'pending';
    default:
      // processing, requires_action, requires_confirmation, requires_capture
      return 'pending';
  }
}

/**
 * A PaymentIntent as a payment. The amount is `amount_received` once it succeeded (a
 * partial capture receives less than `amount`), else `amount`.
 * @returns null when the intent carries no invoice of ours in its metadata.
 */
export function paymentFromPaymentIntent(intent: Stripe.PaymentIntent): PaymentInput | null {
  const externalInvoiceId = externalInvoiceIdOf(intent.metadata);
  if (externalInvoiceId === null) return null;
  const charge = expanded(intent.latest_charge);
  return {
    externalPaymentId: intent.id,
    externalInvoiceId,
    kind: 'payment',
    amountCents:
      intent.status === 'succeeded' && intent.amount_received > 0
        ? intent.amount_received
        : intent.amount,
    currency: intent.currency.toLowerCase(),
    status: intentStatus(intent),
    method:
      paymentMethodName(charge?.payment_method_details?.type) ??
      onlyMethod(intent.payment_method_types),
    processedAt: fromUnixSeconds(charge?.created ?? intent.created),
    rawPayload: intent,
  };
}

const CHARGE_STATUS: Readonly<Record<string, PaymentStatus>> = {
  succeeded: 'succeeded',
  pending: 'pending',
  failed: 'failed',
};

/**
 * A Charge as a payment: keyed by its PaymentIntent when it has one (the same row as the
 * intent's), else by the charge's own id. Charges made by an intent carry its metadata.
 * @returns null when neither the charge nor its (expanded) intent names an invoice of ours.
 */
export function paymentFromCharge(charge: Stripe.Charge): PaymentInput | null {
  const intent = expanded(charge.payment_intent);
  const externalInvoiceId = externalInvoiceIdOf(charge.metadata, intent?.metadata);
  if (externalInvoiceId === null) return null;
  return {
    externalPaymentId: idOf(charge.payment_intent) ?? charge.id,
    externalInvoiceId,
    kind: 'payment',
    amountCents: charge.amount,
    currency: charge.currency.toLowerCase(),
    status: CHARGE_STATUS[charge.status] ?? 'pending',
    method: paymentMethodName(charge.payment_method_details?.type),
    processedAt: fromUnixSeconds(charge.created),
    rawPayload: charge,
  };
}

const REFUND_STATUS: Readonly<Record<string, PaymentStatus>> = {
  succeeded: 'succeeded',
  pending: 'pending',
  requires_action: 'pending',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * A Refund (kind `refund`, a positive amount that raises the invoice's amount due again).
 * Stripe does not copy metadata onto refunds, so the invoice is read from the refund's own
 * metadata, its expanded charge or intent, or — for a refund listed inside a Charge — the
 * `externalInvoiceId` the caller found on that charge.
 * @returns null when none of those names an invoice of ours.
 */
export function paymentFromRefund(
  refund: Stripe.Refund,
  context: { externalInvoiceId?: string | null; method?: string | null } = {},
): PaymentInput | null {
  const charge = expanded(refund.charge);
  const intent = expanded(refund.payment_intent);
  const externalInvoiceId =
    externalInvoiceIdOf(refund.metadata, charge?.metadata, intent?.metadata) ??
    context.externalInvoiceId ??
    null;
  if (externalInvoiceId === null) return null;
  return {
    externalPaymentId: refund.id,
    externalInvoiceId,
    kind: 'refund',
    amountCents: refund.amount,
    currency: refund.currency.toLowerCase(),
    status: REFUND_STATUS[refund.status ?? ''] ?? 'pending',
    method:
      paymentMethodName(charge?.payment_method_details?.type) ??
      context.method ??
      paymentMethodName(refund.destination_details?.type),
    processedAt: fromUnixSeconds(refund.created),
    rawPayload: refund,
  };
}

/**
 * The refunds listed in a Charge (`charge.refunded` events; `refunds` is present when the
 * charge was fetched with `expand: ['refunds']`), each tied to the charge's invoice.
 */
export function refundsFromCharge(charge: Stripe.Charge): PaymentInput[] {
  const intent = expanded(charge.payment_intent);
  const externalInvoiceId = externalInvoiceIdOf(charge.metadata, intent?.metadata);
  const method = paymentMethodName(charge.payment_method_details?.type);
  return (charge.refunds?.data ?? [])
    .map((refund) => paymentFromRefund(refund, { externalInvoiceId, method }))
    .filter((payment): payment is PaymentInput => payment !== null);
}

const SESSION_STATUS: Readonly<Record<string, PaymentStatus>> = {
  paid: 'succeeded',
  no_payment_required: 'succeeded',
  // A completed session paid by a delayed method (ACH, SEPA): settled later.
  unpaid: 'pending',
};

/**
 * A completed Checkout Session (what a payment link makes), keyed by its PaymentIntent.
 * The payment link copies its metadata to the session.
 * @returns null for a session that is not a one-time payment, has no total, or names no
 * invoice of ours.
 */
export function paymentFromCheckoutSession(session: Stripe.Checkout.Session): PaymentInput | null {
  if (session.mode !== 'payment' || session.amount_total === null) return null;
  const intent = expanded(session.payment_intent);
  const externalInvoiceId = externalInvoiceIdOf(session.metadata, intent?.metadata);
  if (externalInvoiceId === null) return null;
  return {
    externalPaymentId: idOf(session.payment_intent) ?? session.id,
    externalInvoiceId,
    kind: 'payment',
    amountCents: session.amount_total,
    currency: (session.currency ?? intent?.currency ?? 'usd').toLowerCase(),
    status: SESSION_STATUS[session.payment_status] ?? 'pending',
    method: onlyMethod(session.payment_method_types),
    processedAt: fromUnixSeconds(session.created),
    rawPayload: session,
  };
}

/** A Stripe event as it arrives (parsed JSON of a verified webhook, or `stripe.events.retrieve`). */
export interface StripeEventLike {
  type: string;
  data: { object: unknown };
}

/**
 * The payments one Stripe event carries: `payment_intent.*`, `charge.*` (with the refunds
 * listed in the charge), `refund.*` / `charge.refund.updated`, and `checkout.session.*`
 * (an expired session paid nothing; `async_payment_failed` fails the session's payment).
 * Other events, and objects not made for one of our invoices, give none.
 * @example
 * const event = stripe.webhooks.constructEvent(rawBody, signature, endpointSecret);
 * for (const payment of paymentsFromEvent(event)) await recordPayment(payment);
 */
export function paymentsFromEvent(event: StripeEventLike): PaymentInput[] {
  const object = event.data.object as { object?: unknown } | null;
  let payments: Array<PaymentInput | null> = [];
  switch (object?.object) {
    case 'payment_intent':
      payments = [paymentFromPaymentIntent(object as Stripe.PaymentIntent)];
      break;
    case 'charge':
      payments = [
        paymentFromCharge(object as Stripe.Charge),
        ...refundsFromCharge(object as Stripe.Charge),
      ];
      break;
    case 'refund':
      payments = [paymentFromRefund(object as Stripe.Refund)];
      break;
    case 'checkout.session': {
      if (event.type === 'checkout.session.expired') break;
      const payment = paymentFromCheckoutSession(object as Stripe.Checkout.Session);
      payments = [
        payment && event.type === 'checkout.session.async_payment_failed'
          ? { ...payment, status: 'failed' }
          : payment,
      ];
      break;
    }
  }
  return payments.filter((payment): payment is PaymentInput => payment !== null);
}
