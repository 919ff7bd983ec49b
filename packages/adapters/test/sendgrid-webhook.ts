/**
 * SendGrid's Signed Event Webhook, from SendGrid's side: an ECDSA P-256 key pair (SendGrid
 * keeps the private key and shows the public one, base64 DER, in its settings) and the
 * signature it sends — ECDSA with SHA-256 over `timestamp + body`, base64 DER, in
 * `X-Twilio-Email-Event-Webhook-Signature`, the timestamp (unix seconds) in
 * `X-Twilio-Email-Event-Webhook-Timestamp` (as `@sendgrid/eventwebhook` verifies it).
 * And events shaped as SendGrid's Event Webhook reference documents them.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SendGridSigner {
  /** What SendGrid's settings page shows: the base64 DER (SPKI) public key. */
  publicKey: string;
  /** The two headers SendGrid sends with `body`, signed at `at`. */
  headers(body: string, at?: Date): Record<string, string>;
}

export function sendgridSigner(): SendGridSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    headers: (body, at = new Date()) => signedHeaders(privateKey, body, at),
  };
}

function signedHeaders(privateKey: KeyObject, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createSign('sha256')
    .update(timestamp + body)
    .sign(privateKey, 'base64');
  return {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-signature': signature,
    'x-twilio-email-event-webhook-timestamp': timestamp,
  };
}

/** One event as SendGrid posts it; `extra` adds the event's own fields. */
export function sendgridEvent(
  event: string,
  options: {
    messageId?: string;
    sgMessageId: string;
    eventId: string;
    timestamp: number;
    email?: string;
    extra?: Record<string, unknown>;
  },
): Record<string, unknown> {
  return {
    email: options.email ?? 'dana@example.com',
    timestamp: options.timestamp,
    'smtp-id': `<${options.sgMessageId}@ismtpd0001p1lon1.sendgrid.net>`,
    event,
    category: ['spring-sale'],
    sg_event_id: options.eventId,
    sg_message_id: `${options.sgMessageId}.filterdrecv-5645d9c87f-6r5wl-1-5E4DA37D-2B.0`,
    ...(options.messageId ? { gt_message_id: options.messageId, gt_organization_id: 'org' } : {}),
    ...options.extra,
  };
}
