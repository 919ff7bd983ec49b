/**
 * The two orders that make delivery events independent of their arrival order. Providers
 * retry, batch and reorder their webhooks, so each effect only ever moves a value UP its
 * order; the final value is the highest any event asked for, whatever came first.
 */
import type { MessageStatus, SubscriptionStatus } from '../db/types.js';
import type { MessageEventEffect } from '../providers/webhooks.js';

/**
 * `messages.status`, lowest first. `queued < sent < delivered`; `bounced` and `failed` end a
 * message's life and rank above every other state, so a late `delivered` never undoes them.
 * A bounce can follow a delivery (an asynchronous bounce after the receiving server accepted
 * the mail), so `bounced` ranks above `delivered`; `failed` (the provider dropped it, or the
 * dispatcher's send failed) ranks last: nothing left us, whatever else is reported.
 */
export const MESSAGE_STATUS_ORDER = [
  'queued',
  'sent',
  'delivered',
  'bounced',
  'failed',
] as const satisfies readonly MessageStatus[];

/**
 * What each event says about the message's status. `deferred` proves the provider holds the
 * message, so it is at least `sent`; an open, click, spam report or unsubscribe can only come
 * from a mailbox, so the message was delivered even when that event is missing or late. Any
 * bounce (hard or soft) means this message did not arrive; only a hard one says the ADDRESS
 * is bad (see `CONSENT_OF_EVENT`).
 */
const STATUS_OF_EVENT: Record<MessageEventEffect['type'], MessageStatus> = {
  sent: 'sent',
  deferred: 'sent',
  delivered: 'delivered',
  open: 'delivered',
  click: 'delivered',
  spam: 'delivered',
  unsubscribe: 'delivered',
  bounce: 'bounced',
  failed: 'failed',
};

/** The rank in `MESSAGE_STATUS_ORDER` an event moves its message up to (at least). */
export function statusRankOf(type: MessageEventEffect['type']): number {
  return MESSAGE_STATUS_ORDER.indexOf(STATUS_OF_EVENT[type]);
}

/**
 * Webhook-driven consent statuses, lowest first: `complained > unsubscribed > bounced`. A
 * spam report is the strongest word a recipient can say and is kept over a later unsubscribe
 * or bounce; an explicit unsubscribe over a bounce (the address may work again, the wish
 * stands). `subscribed` is only ever set by people (`consent.set`), never by a webhook.
 */
export const CONSENT_ORDER = [
  'subscribed',
  'bounced',
  'unsubscribed',
  'complained',
] as const satisfies readonly SubscriptionStatus[];

/** The status an event asks for on its message's channel, or `null` (most events). */
export function consentOf(effect: MessageEventEffect): SubscriptionStatus | null {
  if (effect.type === 'spam') return 'complained';
  if (effect.type === 'unsubscribe') return 'unsubscribed';
  if (effect.type === 'bounce' && effect.bounce === 'hard') return 'bounced';
  return null;
}

/** The seed's `message_events.type`s: the events that are rows, not only status moves. */
export const STORED_EVENT_TYPES = [
  'delivered',
  'open',
  'click',
  'bounce',
  'spam',
  'unsubscribe',
] as const satisfies readonly MessageEventEffect['type'][];
