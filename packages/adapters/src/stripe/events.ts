/**
 * A verified Stripe event → GreenTrack's provider-neutral webhook effects (`payment`,
 * `invoice`), by the payment and invoice mappers of this folder. Pure: a stored event read
 * again (replay, reprocess) gives the same effects.
 *
 * Only the event types below act; any other type (and a payment object without our
 * metadata, which the mappers already refuse) gives no effect. An allowlist rather than
 * "every object the mappers read": `payment_intent.created` and friends would add pending
 * rows nobody asked for, and a status that only moves forward must not be moved by events
 * we did not mean to read.
 */
import type { SourceInvoice, WebhookEffect } from '@greentrack/core';
import type Stripe from 'stripe';
import { sourceInvoiceFromStripe } from './invoices.js';
import { paymentsFromEvent, type StripeEventLike } from './payments.js';

/** The Stripe event types whose payments become `payment` effects. */
export const STRIPE_PAYMENT_EVENTS: ReadonlySet<string> = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'payment_intent.canceled',
  'charge.succeeded',
  'charge.failed',
  'charge.pending',
  'charge.refunded',
  'charge.refund.updated',
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
]);

/**
 * The Stripe event types whose invoice becomes an `invoice` effect: every change of a real
 * invoice's state. Not `invoice.upcoming` (a preview without an id of its own) nor
 * `invoice.deleted` (only drafts can be deleted; the cache keeps what it had).
 */
export const STRIPE_INVOICE_EVENTS: ReadonlySet<string> = new Set([
  'invoice.created',
  'invoice.updated',
  'invoice.finalized',
  'invoice.sent',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'invoice.marked_uncollectible',
  'invoice.voided',
  'invoice.overdue',
]);

/** The stored event: Stripe's JSON as verified (`id`, `type`, `created`, `data.object`). */
export interface StoredStripeEvent extends StripeEventLike {
  id: string;
  /** Unix seconds: when the change happened at Stripe. */
  created: number;
}

/** What {@link stripeEffects} reads, besides the event. */
export interface StripeEffectOptions {
  /** Whether the account's Stripe invoices are the organization's invoices. @default true */
  invoices?: boolean;
}

/**
 * The effects of one Stripe event. An invoice carries the event's `created` as its
 * `updatedAt`: Stripe invoices have no update time of their own, and core keeps the newest
 * state when events arrive out of order.
 * @example
 * stripeEffects(JSON.parse(rawBody)); // [{ kind: 'payment', payment: { externalPaymentId: 'pi_…', … } }]
 */
export function stripeEffects(
  event: StoredStripeEvent,
  options: StripeEffectOptions = {},
): WebhookEffect[] {
  if (STRIPE_PAYMENT_EVENTS.has(event.type)) {
    return paymentsFromEvent(event).map((payment) => ({ kind: 'payment', payment }));
  }
  if (STRIPE_INVOICE_EVENTS.has(event.type) && options.invoices !== false) {
    const object = event.data.object as Stripe.Invoice;
    if (object?.object !== 'invoice' || typeof object.id !== 'string') return [];
    const invoice: SourceInvoice = {
      ...sourceInvoiceFromStripe(object),
      updatedAt: new Date(event.created * 1000),
    };
    return [{ kind: 'invoice', invoice }];
  }
  return [];
}
