/**
 * `twilioWebhooks()`: the `WebhookSource` of Twilio's status callbacks and inbound messages.
 *
 * Twilio signs a request with HMAC-SHA1 of the URL it posted to (query included) followed by
 * the sorted form parameters, keyed with the account's auth token (`X-Twilio-Signature`).
 * The check is the SDK's own `validateRequest` (constant-time). The URL is the public one
 * core rebuilds from `webhooks.publicBaseUrl`, so a host behind a proxy verifies against
 * what Twilio saw, not its internal address.
 */
import {
  type InboundWebhookRequest,
  type VerifiedWebhook,
  type WebhookCredentials,
  WebhookSignatureError,
  type WebhookSource,
} from '@greentrack/core';
import twilio from 'twilio';
import {
  DEFAULT_HARD_BOUNCE_CODES,
  interpretTwilioWebhook,
  type StoredTwilioPayload,
  twilioEventType,
} from './webhook-events.js';

/** Options of {@link twilioWebhooks}. */
export interface TwilioWebhooksOptions {
  /**
   * Twilio error codes of an `undelivered`/`failed` status callback that mean the number can
   * never receive SMS: the message counts as a hard bounce (the number is suppressed) instead
   * of a plain failure.
   * @default ['30005', '30006'] (unknown handset; landline or unreachable carrier)
   */
  hardBounceErrorCodes?: readonly (string | number)[];
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The form body as the SDK's validator takes it: a repeated name keeps all its values. */
function formParams(request: InboundWebhookRequest): StoredTwilioPayload['params'] {
  const type = request.headers['content-type'];
  if (type !== undefined && !type.toLowerCase().startsWith(FORM_TYPE)) {
    throw new WebhookSignatureError('malformed', `Twilio posts ${FORM_TYPE}, not ${type}.`);
  }
  const params: StoredTwilioPayload['params'] = {};
  const text = new TextDecoder('utf-8', { fatal: false }).decode(request.rawBody);
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/** `gt_message_id` of the URL, which the signature covers (set by `twilioSms`'s status callback). */
function messageIdOf(url: string): string | null {
  try {
    return new URL(url).searchParams.get('gt_message_id');
  } catch {
    return null;
  }
}

function verifyTwilio(
  request: InboundWebhookRequest,
  credentials: WebhookCredentials,
): VerifiedWebhook {
  const authToken = credentials.authToken;
  if (!authToken) {
    throw new WebhookSignatureError(
      'missing_secret',
      'The integration account has no Twilio `authToken`.',
    );
  }
  const signature = request.headers['x-twilio-signature'];
  if (!signature) {
    throw new WebhookSignatureError('missing_header', 'No X-Twilio-Signature header.');
  }
  const params = formParams(request);
  if (!twilio.validateRequest(authToken, signature, request.url, params)) {
    throw new WebhookSignatureError(
      'bad_signature',
      'X-Twilio-Signature does not match this URL and body for the account’s auth token.',
    );
  }
  const payload: StoredTwilioPayload = { params, messageId: messageIdOf(request.url) };
  return { eventType: twilioEventType(params), payload, eventCount: 1 };
}

/** TwiML that sends each reply back to the sender, in order; empty when there is none. */
function twimlReply(replies: readonly string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  // The SDK's XML builder escapes the text (`<`, `&`, quotes).
  for (const reply of replies) response.message(reply);
  return response.toString();
}

/**
 * The Twilio webhook source: give it to `createGreenTrack({ providers: { webhooks: […] } })`
 * and point the number's "A message comes in" webhook (and `twilioSms`'s `statusCallback`)
 * at `{publicBaseUrl}/webhooks/twilio/{integrationAccountId}`. The integration account holds
 * the `authToken` that signs the requests.
 *
 * Status callbacks become `message.event` effects (`sent`, `delivered`, `failed`, or a hard
 * `bounce` for a number that cannot receive SMS); inbound messages become `sms.inbound`
 * effects (STOP/START/HELP keywords are core's `sms-keywords` module). The response is
 * TwiML: one `<Message>` per reply core produced (a HELP answer), else an empty `<Response/>`.
 *
 * @example
 * import { twilioSms, twilioWebhooks } from '@greentrack/adapters/twilio';
 * const gt = await createGreenTrack({
 *   providers: { sms: twilioSms({ … }), webhooks: [twilioWebhooks()] },
 *   webhooks: { publicBaseUrl: 'https://app.example.com/api/greentrack' },
 * });
 */
export function twilioWebhooks(options: TwilioWebhooksOptions = {}): WebhookSource {
  const hardBounceCodes = new Set(
    (options.hardBounceErrorCodes ?? DEFAULT_HARD_BOUNCE_CODES).map(String),
  );
  return {
    provider: 'twilio',
    verify: verifyTwilio,
    interpret: (webhook) => interpretTwilioWebhook(webhook, hardBounceCodes),
    acknowledge: ({ replies }) => ({
      status: 200,
      contentType: 'text/xml',
      body: twimlReply(replies),
    }),
  };
}
