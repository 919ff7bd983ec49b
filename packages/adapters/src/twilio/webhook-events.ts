/**
 * What a stored Twilio webhook means to GreenTrack — the one place Twilio's message statuses
 * become our effects. Two kinds of request reach the same route:
 *
 * - a **status callback** of a message we sent (it carries `MessageStatus`; our message id
 *   rides in the callback URL as `gt_message_id`, see `provider.ts`) → `message.event`;
 * - an **inbound message** a customer sent to one of our numbers (`SmsStatus=received`, no
 *   `MessageStatus`) → `sms.inbound`.
 *
 * | `MessageStatus`                       | effect                                               |
 * | ------------------------------------- | ---------------------------------------------------- |
 * | accepted, scheduled, queued, sending  | none: our message is already `sent` once Twilio took it |
 * | sent                                  | `sent` (the carrier took it)                         |
 * | delivered, read                       | `delivered`                                          |
 * | undelivered, failed, canceled         | `failed`, or a hard `bounce` for the error codes that say the number cannot receive SMS |
 * | partially_delivered, anything unknown | none                                                 |
 *
 * Twilio's callbacks carry no timestamp of their own, so `occurredAt` is when the request
 * reached us (the stored row's `receivedAt`); ordering is left to the message-event handler,
 * whose statuses only move forward (decision 158).
 */
import type { MessageEventEffect, StoredWebhook, WebhookEffect } from '@greentrack/core';
import { z } from 'zod';

/**
 * Error codes of an undelivered message that say the number cannot take SMS at all: 30005
 * (unknown or inactive handset), 30006 (landline or unreachable carrier). Suppressed like an
 * email hard bounce; the others (30003 unreachable, 30007 filtered, …) may pass next time.
 */
export const DEFAULT_HARD_BOUNCE_CODES: readonly string[] = Object.freeze(['30005', '30006']);

/** What `verify` stores: the signed form parameters and our message id from the URL. */
const storedTwilioPayloadSchema = z.object({
  params: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  /** `gt_message_id` of the callback URL (signed with it), `null` on inbound messages. */
  messageId: z.string().nullable(),
});
export type StoredTwilioPayload = z.infer<typeof storedTwilioPayloadSchema>;

/** One value of a form parameter (Twilio sends each once; a repeat keeps the first). */
function param(params: StoredTwilioPayload['params'], name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Every `MessageStatus` Twilio's API lists (`message_enum_status`; the conformance test
 * checks the list against the spec) and what it means for our message: `null` is no change.
 */
export const TWILIO_STATUS_EFFECTS: Readonly<
  Record<string, 'sent' | 'delivered' | 'failed' | null>
> = Object.freeze({
  // Before the carrier: our message is already `sent` once Twilio accepted the create.
  accepted: null,
  scheduled: null,
  queued: null,
  sending: null,
  sent: 'sent',
  delivered: 'delivered',
  // WhatsApp / RCS read receipts: delivered, as far as our statuses go.
  read: 'delivered',
  // Documented only as a value; neither a delivery nor a failure of the whole message.
  partially_delivered: null,
  undelivered: 'failed',
  failed: 'failed',
  // A scheduled message cancelled before it went out.
  canceled: 'failed',
  // Inbound messages' own statuses (they are read as `sms.inbound`, not here).
  receiving: null,
  received: null,
});

/** `webhooks_inbound.event_type` of a verified request: `status.<MessageStatus>` or `inbound`. */
export function twilioEventType(params: StoredTwilioPayload['params']): string | null {
  const status = param(params, 'MessageStatus');
  if (status !== undefined) return `status.${status}`;
  return isInbound(params) ? 'inbound' : null;
}

function isInbound(params: StoredTwilioPayload['params']): boolean {
  const smsStatus = param(params, 'SmsStatus');
  return (
    param(params, 'MessageStatus') === undefined &&
    (smsStatus === undefined || smsStatus === 'received') &&
    param(params, 'From') !== undefined &&
    param(params, 'Body') !== undefined
  );
}

function statusEffect(
  payload: StoredTwilioPayload,
  receivedAt: Date,
  hardBounceCodes: ReadonlySet<string>,
): MessageEventEffect[] {
  const status = param(payload.params, 'MessageStatus') ?? '';
  const type = Object.hasOwn(TWILIO_STATUS_EFFECTS, status)
    ? TWILIO_STATUS_EFFECTS[status]
    : undefined;
  const sid = param(payload.params, 'MessageSid') ?? param(payload.params, 'SmsSid');
  if (type === undefined || type === null || (sid === undefined && payload.messageId === null))
    return [];
  const errorCode = param(payload.params, 'ErrorCode');
  const bounce = type === 'failed' && errorCode !== undefined && hardBounceCodes.has(errorCode);
  return [
    {
      kind: 'message.event',
      type: bounce ? 'bounce' : type,
      ...(payload.messageId === null ? {} : { messageId: payload.messageId }),
      ...(sid === undefined ? {} : { providerMessageId: sid }),
      // Twilio sends one callback per status of a message (retries repeat it): the pair is
      // the event's identity, so a duplicate is recognized.
      ...(sid === undefined ? {} : { providerEventId: `${sid}:${status}` }),
      occurredAt: receivedAt,
      ...(bounce ? { bounce: 'hard' as const } : {}),
      metadata: {
        status,
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(param(payload.params, 'ErrorMessage') === undefined
          ? {}
          : { errorMessage: param(payload.params, 'ErrorMessage') }),
      },
    },
  ];
}

/** Reads a stored Twilio webhook back as effects (pure: the same row gives the same effects). */
export function interpretTwilioWebhook(
  webhook: StoredWebhook,
  hardBounceCodes: ReadonlySet<string>,
): WebhookEffect[] {
  const payload = storedTwilioPayloadSchema.parse(webhook.payload);
  if (param(payload.params, 'MessageStatus') !== undefined) {
    return statusEffect(payload, webhook.receivedAt, hardBounceCodes);
  }
  if (!isInbound(payload.params)) return [];
  const sid = param(payload.params, 'MessageSid') ?? param(payload.params, 'SmsMessageSid') ?? '';
  return [
    {
      kind: 'sms.inbound',
      from: param(payload.params, 'From') ?? '',
      to: param(payload.params, 'To') ?? '',
      body: param(payload.params, 'Body') ?? '',
      providerMessageId: sid,
    },
  ];
}
