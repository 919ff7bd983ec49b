/**
 * A seeded Stripe history for replay tests: the events Stripe would send about a set of
 * invoices (finalized, sent, paid, partly paid, refunded, voided), and each event as the
 * signed request Stripe would post (`Stripe.webhooks.generateTestHeaderString`, Stripe's
 * REAL signing).
 */
import Stripe from 'stripe';
import { StripeMetadataKey } from '../src/stripe/metadata.js';

type StripeObject = Record<string, unknown>;

/** One event Stripe would send, before it is wrapped, numbered and signed. */
export interface StripeHistoryEvent {
  type: string;
  /** Unix seconds. */
  created: number;
  object: StripeObject;
  /** The index of the invoice's customer (`cus_<index>`). */
  customer: number;
}

/**
 * The events Stripe would send for `invoices` invoices, in the order it sent them: each
 * finalized (and maybe sent), then paid through an intent that may fail first (its charge,
 * `invoice.paid`, maybe a partial refund in `charge.refunded`), or partly paid through a
 * payment link, or voided. Invoice `n` belongs to customer `n % customers`; `now` (Unix
 * seconds) places the history in the 30 days before it and due dates on either side of it.
 */
export function stripeHistory(
  random: () => number,
  options: { invoices: number; customers: number; now: number },
): StripeHistoryEvent[] {
  const { now } = options;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const events: StripeHistoryEvent[] = [];
  const base = now - 30 * 86_400;
  for (let n = 0; n < options.invoices; n++) {
    const customer = n % options.customers;
    const push = (event: Omit<StripeHistoryEvent, 'customer'>) =>
      events.push({ ...event, customer });
    const id = `in_replay_${n}`;
    const total = int(10, 500) * 100;
    const t0 = base + n * 1_000;
    const dueDate = random() < 0.5 ? now - 10 * 86_400 : now + 10 * 86_400;
    const ours = { [StripeMetadataKey.externalInvoiceId]: id };
    const invoice = (status: string, remaining: number) => ({
      id,
      object: 'invoice',
      customer: `cus_${customer}`,
      customer_email: null,
      status,
      currency: 'usd',
      subtotal: total,
      total,
      total_excluding_tax: total,
      amount_remaining: remaining,
      due_date: dueDate,
      lines: {
        object: 'list',
        has_more: false,
        data: [
          {
            id: `il_${n}`,
            object: 'line_item',
            amount: total,
            quantity: 1,
            description: 'Work',
          },
        ],
      },
      metadata: {},
    });
    const intent = (piId: string, amount: number, created: number, failed: boolean) => ({
      id: piId,
      object: 'payment_intent',
      amount,
      amount_received: failed ? 0 : amount,
      currency: 'usd',
      status: failed ? 'requires_payment_method' : 'succeeded',
      last_payment_error: failed ? { code: 'card_declined' } : null,
      created,
      latest_charge: `ch_${piId}`,
      payment_method_types: ['card'],
      metadata: ours,
    });
    const charge = (
      piId: string,
      amount: number,
      created: number,
      refunds: StripeObject[] = [],
    ) => ({
      id: `ch_${piId}`,
      object: 'charge',
      amount,
      currency: 'usd',
      status: 'succeeded',
      created,
      payment_intent: piId,
      payment_method_details: { type: 'card' },
      metadata: ours,
      refunded: refunds.length > 0,
      refunds: { object: 'list', data: refunds },
    });

    push({
      type: 'invoice.finalized',
      created: t0,
      object: invoice('open', total),
    });
    if (random() < 0.5)
      push({
        type: 'invoice.sent',
        created: t0,
        object: { ...invoice('open', total), sent: true },
      });
    const fate = random();
    if (fate < 0.45) {
      const pi = `pi_replay_${n}`;
      if (random() < 0.4)
        push({
          type: 'payment_intent.payment_failed',
          created: t0 + 8,
          object: intent(pi, total, t0 + 5, true),
        });
      push({
        type: 'payment_intent.succeeded',
        created: t0 + 20,
        object: intent(pi, total, t0 + 5, false),
      });
      push({
        type: 'charge.succeeded',
        created: t0 + 20,
        object: charge(pi, total, t0 + 5),
      });
      push({ type: 'invoice.paid', created: t0 + 20, object: invoice('paid', 0) });
      if (random() < 0.5) {
        const refund = {
          id: `re_replay_${n}`,
          object: 'refund',
          amount: int(1, total / 100) * 100,
          currency: 'usd',
          status: 'succeeded',
          created: t0 + 40,
          charge: `ch_${pi}`,
          metadata: {},
        };
        push({
          type: 'charge.refunded',
          created: t0 + 40,
          object: charge(pi, total, t0 + 5, [refund]),
        });
      }
    } else if (fate < 0.75) {
      const pi = `pi_link_${n}`;
      push({
        type: 'payment_intent.succeeded',
        created: t0 + 30,
        object: intent(pi, int(1, total / 100) * 100, t0 + 30, false),
      });
    } else {
      push({
        type: 'invoice.voided',
        created: t0 + 30,
        object: invoice('void', total),
      });
    }
  }
  return events;
}

/**
 * The body and headers Stripe would post for `event` as `evt_<index>`, signed with `secret`
 * at `timestamp` (Unix seconds). With `customerEmails`, invoice objects carry their
 * customer's address (`customer_email`), which links the cached invoice to our customer.
 */
export function signedStripeEvent(
  event: StripeHistoryEvent,
  index: number,
  options: { secret: string; timestamp: number; customerEmails?: readonly string[] },
): { body: string; headers: Record<string, string> } {
  const email = options.customerEmails?.[event.customer];
  const object =
    email !== undefined && event.object.object === 'invoice'
      ? { ...event.object, customer_email: email }
      : event.object;
  const body = JSON.stringify({
    id: `evt_${index}`,
    object: 'event',
    type: event.type,
    created: event.created,
    data: { object },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret,
    timestamp: options.timestamp,
  });
  return {
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  };
}
