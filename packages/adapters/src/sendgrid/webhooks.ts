/**
 * SendGrid's Signed Event Webhook as a GreenTrack `WebhookSource`.
 *
 * SendGrid signs `timestamp + raw body` with ECDSA (P-256, SHA-256) and sends the base64 DER
 * signature and the timestamp in two headers; the public key comes from SendGrid's settings
 * (Mail Settings → Signed Event Webhook), stored in the integration account as
 * `webhookPublicKey`. Verification is SendGrid's own helper, `@sendgrid/eventwebhook`.
 */

import type {
  InboundWebhookRequest,
  VerifiedWebhook,
  WebhookCredentials,
  WebhookSource,
} from '@greentrack/core';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { refuse } from '../internal/webhook-refusal.js';
import { sendgridEffects } from './webhook-events.js';

/** Options of `sendgridWebhooks`. */
export interface SendGridWebhookOptions {
  /**
   * How far the signed timestamp may be from the time the request reached us, either way,
   * in seconds. A captured request replayed later is refused past it; SendGrid's retries
   * are signed afresh, so they pass.
   * @default 300
   */
  toleranceSeconds?: number;
}

const SIGNATURE = EventWebhookHeader.SIGNATURE().toLowerCase();
const TIMESTAMP = EventWebhookHeader.TIMESTAMP().toLowerCase();

/**
 * The webhook source for SendGrid's Event Webhook (`POST {base}/webhooks/sendgrid/{accountId}`).
 * Turn on "Signed Event Webhook" in SendGrid, then save its verification key in the
 * integration account as `webhookPublicKey` (the base64 key as SendGrid shows it, or PEM).
 *
 * @example
 * import { sendgridWebhooks } from '@greentrack/adapters/sendgrid';
 * const gt = await createGreenTrack({ providers: { webhooks: [sendgridWebhooks()] } });
 */
export function sendgridWebhooks(options: SendGridWebhookOptions = {}): WebhookSource {
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  const helper = new EventWebhook();
  return {
    provider: 'sendgrid',
    verify(request: InboundWebhookRequest, credentials: WebhookCredentials): VerifiedWebhook {
      const publicKey = credentials.webhookPublicKey;
      if (!publicKey) refuse('missing_secret', 'the account has no webhookPublicKey');
      const signature = request.headers[SIGNATURE];
      const timestamp = request.headers[TIMESTAMP];
      if (!signature || !timestamp)
        refuse('missing_header', `${SIGNATURE} and ${TIMESTAMP} are required`);
      if (!/^\d{1,12}$/.test(timestamp)) refuse('malformed', `${TIMESTAMP} is not a unix time`);
      if (Math.abs(request.receivedAt.getTime() - Number(timestamp) * 1000) > toleranceMs)
        refuse('stale_timestamp', 'the signed timestamp is outside the tolerance');
      let key: ReturnType<EventWebhook['convertPublicKeyToECDSA']>;
      try {
        key = helper.convertPublicKeyToECDSA(publicKey);
      } catch {
        refuse('bad_credentials', 'webhookPublicKey is not an ECDSA public key');
      }
      let valid = false;
      try {
        valid = helper.verifySignature(key, Buffer.from(request.rawBody), signature, timestamp);
      } catch {
        // An undecodable signature is a wrong one.
      }
      if (!valid) refuse('bad_signature', 'the signature does not match the body');
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
      } catch {
        refuse('malformed', 'the body is not JSON');
      }
      if (!Array.isArray(payload)) refuse('malformed', 'the body is not an array of events');
      return { eventType: 'batch', payload, eventCount: payload.length };
    },
    interpret: (webhook) => sendgridEffects(webhook.payload),
  };
}
