/**
 * SendGrid's Event Webhook payload (a JSON array of events) → provider-neutral
 * `message.event` effects. One function owns the mapping of SendGrid's event names to ours.
 *
 * Each event carries our message id back as the `gt_message_id` custom arg (set at send,
 * see `internal/tracking-ids.ts`; SendGrid puts custom args at the top level of the event),
 * SendGrid's own message id in `sg_message_id` (`<X-Message-Id>.<filter suffix>`: the part
 * before the first dot is what the send answered), and an id per event (`sg_event_id`).
 */
import type { MessageEventEffect } from '@greentrack/core';

type EventType = MessageEventEffect['type'];

/**
 * SendGrid's event names → ours. `processed` is SendGrid accepting the message (our `sent`);
 * `dropped` means it will never send it (`failed`); both unsubscribe kinds (global and an
 * unsubscribe group) are an unsubscribe. `group_resubscribe` and unknown names give nothing.
 */
const EVENT_TYPES: Readonly<Record<string, EventType>> = {
  processed: 'sent',
  delivered: 'delivered',
  deferred: 'deferred',
  dropped: 'failed',
  bounce: 'bounce',
  open: 'open',
  click: 'click',
  spamreport: 'spam',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'unsubscribe',
};

/** Fields of an event kept in `message_events.metadata`, when present. */
const KEPT_FIELDS = [
  'url',
  'reason',
  'status',
  'response',
  'attempt',
  'type',
  'bounce_classification',
  'useragent',
  'sg_machine_open',
  'asm_group_id',
] as const;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** One SendGrid event → its effect, or `null` for an event we do not act on. */
function effectOf(event: Record<string, unknown>): MessageEventEffect | null {
  const type = EVENT_TYPES[String(event.event)];
  const seconds = event.timestamp;
  if (type === undefined || typeof seconds !== 'number' || !Number.isFinite(seconds)) return null;
  const messageId = text(event.gt_message_id);
  const providerMessageId = text(event.sg_message_id)?.split('.')[0];
  const providerEventId = text(event.sg_event_id);
  const metadata: Record<string, unknown> = {};
  for (const field of KEPT_FIELDS) if (event[field] !== undefined) metadata[field] = event[field];
  return {
    kind: 'message.event',
    type,
    ...(messageId !== undefined ? { messageId } : {}),
    ...(providerMessageId ? { providerMessageId } : {}),
    ...(providerEventId !== undefined ? { providerEventId } : {}),
    occurredAt: new Date(seconds * 1000),
    // `type: blocked` is a soft bounce (the receiving server refused for now, e.g. as spam);
    // `type: bounce` (or none, in older payloads) is a hard one: the address does not exist.
    ...(type === 'bounce' ? { bounce: event.type === 'blocked' ? 'soft' : 'hard' } : {}),
    metadata,
  };
}

/**
 * The effects of one stored SendGrid payload, in payload order. Pure: the same payload gives
 * the same effects. Throws when the payload is not an array (what `verify` stored always is).
 */
export function sendgridEffects(payload: unknown): MessageEventEffect[] {
  if (!Array.isArray(payload)) throw new TypeError('a SendGrid event payload is a JSON array');
  return payload.flatMap((event: unknown) =>
    event !== null && typeof event === 'object' && !Array.isArray(event)
      ? (effectOf(event as Record<string, unknown>) ?? [])
      : [],
  );
}
