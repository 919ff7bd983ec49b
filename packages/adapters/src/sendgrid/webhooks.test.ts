/**
 * `sendgridWebhooks()`: verification with SendGrid's real signing (an ECDSA P-256 key pair,
 * signed as SendGrid signs, checked by `@sendgrid/eventwebhook`) and the mapping of SendGrid's
 * documented event payloads to effects.
 */
import type { InboundWebhookRequest, StoredWebhook } from '@greentrack/core';
import { describe, expect, it } from 'vitest';
import { sendgridEvent, sendgridSigner } from '../../test/sendgrid-webhook.js';
import { messageEvents, refusal } from '../../test/webhook-source.js';
import { sendgridWebhooks } from './index.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const seconds = Math.floor(now.getTime() / 1000);
const signer = sendgridSigner();
const source = sendgridWebhooks();
const credentials = { webhookPublicKey: signer.publicKey };
const MESSAGE = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';

/** SendGrid's documented examples, one of each event, for one of our messages. */
const events = [
  sendgridEvent('processed', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'rbtnWrG1DVDGGGFHFyun0A==',
    timestamp: seconds - 60,
  }),
  sendgridEvent('deferred', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 't7LEShmowp86DTdUW8M-GQ==',
    timestamp: seconds - 55,
    extra: { response: '400 try again later', attempt: '5' },
  }),
  sendgridEvent('delivered', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'rWVYmVk90MjZJ9iohOBa3w==',
    timestamp: seconds - 50,
    extra: { response: '250 OK' },
  }),
  sendgridEvent('open', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'FOTFFO0ecsBE-zxFXfs6WA==',
    timestamp: seconds - 40,
    extra: {
      useragent: 'Mozilla/4.0 (compatible; MSIE 6.1; Windows XP)',
      ip: '255.255.255.255',
      sg_machine_open: false,
    },
  }),
  sendgridEvent('click', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'kCAi1KttyQdEKHhdC-nuEA==',
    timestamp: seconds - 30,
    extra: { url: 'https://shop.example/sale', url_offset: { index: 0, type: 'html' } },
  }),
  sendgridEvent('bounce', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: '6g4ZI7SA-xmRDv57GoPIPw==',
    timestamp: seconds - 20,
    extra: {
      reason: '500 unknown recipient',
      status: '5.0.0',
      type: 'bounce',
      bounce_classification: 'Invalid Address',
    },
  }),
  sendgridEvent('bounce', {
    sgMessageId: '24c5d75ce93.dfd.64b470',
    eventId: 'AbCd1',
    timestamp: seconds - 20,
    extra: { reason: '550 blocked as spam', status: '5.7.1', type: 'blocked' },
  }),
  sendgridEvent('dropped', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'zmzJhfJgAfUSOW80yEbPyw==',
    timestamp: seconds - 19,
    extra: { reason: 'Bounced Address', status: '5.0.0' },
  }),
  sendgridEvent('spamreport', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: '37nvH5QBz858KGVYCM4uOA==',
    timestamp: seconds - 10,
  }),
  sendgridEvent('unsubscribe', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'Krfn6Nz6yDuXHRbAcrMZGQ==',
    timestamp: seconds - 5,
  }),
  sendgridEvent('group_unsubscribe', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'ahSCB7xYcXFb-hEaawsPRw==',
    timestamp: seconds - 4,
    extra: { asm_group_id: 10 },
  }),
  sendgridEvent('group_resubscribe', {
    messageId: MESSAGE,
    sgMessageId: '14c5d75ce93.dfd.64b469',
    eventId: 'H_6ADn7MkYiGlZmxE5sUSg==',
    timestamp: seconds - 3,
    extra: { asm_group_id: 10 },
  }),
];
const body = JSON.stringify(events);

function request(raw: string, headers: Record<string, string>): InboundWebhookRequest {
  return {
    url: 'https://app.example.com/api/greentrack/webhooks/sendgrid/acc',
    method: 'POST',
    headers,
    rawBody: new TextEncoder().encode(raw),
    receivedAt: now,
  };
}

const interpretEvents = (webhook: StoredWebhook) => messageEvents(source, webhook);

describe('sendgridWebhooks: verify', () => {
  it('accepts a batch signed by SendGrid’s key and stores the events as they came', () => {
    const verified = source.verify(request(body, signer.headers(body, now)), credentials);
    expect(verified).toEqual({ eventType: 'batch', payload: events, eventCount: events.length });
  });

  it('accepts the key in PEM form too', () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${signer.publicKey}\n-----END PUBLIC KEY-----`;
    expect(
      refusal(() =>
        source.verify(request(body, signer.headers(body, now)), { webhookPublicKey: pem }),
      ),
    ).toBe('accepted');
  });

  it('refuses a tampered body, another key, a stale or future timestamp and missing headers', () => {
    const headers = signer.headers(body, now);
    const tampered = body.replace('"bounce"', '"delivered"');
    expect(refusal(() => source.verify(request(tampered, headers), credentials))).toBe(
      'bad_signature',
    );
    const other = sendgridSigner();
    expect(
      refusal(() => source.verify(request(body, headers), { webhookPublicKey: other.publicKey })),
    ).toBe('bad_signature');
    expect(
      refusal(() =>
        source.verify(
          request(body, {
            ...headers,
            'x-twilio-email-event-webhook-signature': 'bm90IGEgc2lnbmF0dXJl',
          }),
          credentials,
        ),
      ),
    ).toBe('bad_signature');
    // Signed 301 s before it arrived (the default tolerance is 300 s), or as far ahead.
    const stale = signer.headers(body, new Date(now.getTime() - 301_000));
    expect(refusal(() => source.verify(request(body, stale), credentials))).toBe('stale_timestamp');
    const ahead = signer.headers(body, new Date(now.getTime() + 301_000));
    expect(refusal(() => source.verify(request(body, ahead), credentials))).toBe('stale_timestamp');
    const edge = signer.headers(body, new Date(now.getTime() - 299_000));
    expect(refusal(() => source.verify(request(body, edge), credentials))).toBe('accepted');
    // A timestamp changed after signing breaks the signature, not only the window.
    expect(
      refusal(() =>
        source.verify(
          request(body, {
            ...headers,
            'x-twilio-email-event-webhook-timestamp': String(seconds - 1),
          }),
          credentials,
        ),
      ),
    ).toBe('bad_signature');
    const { 'x-twilio-email-event-webhook-signature': _s, ...noSignature } = headers;
    expect(refusal(() => source.verify(request(body, noSignature), credentials))).toBe(
      'missing_header',
    );
    const { 'x-twilio-email-event-webhook-timestamp': _t, ...noTimestamp } = headers;
    expect(refusal(() => source.verify(request(body, noTimestamp), credentials))).toBe(
      'missing_header',
    );
  });

  it('refuses without a key, with a key that is not one, and a signed body that is not an event array', () => {
    const headers = signer.headers(body, now);
    expect(refusal(() => source.verify(request(body, headers), {}))).toBe('missing_secret');
    expect(
      refusal(() => source.verify(request(body, headers), { webhookPublicKey: 'bm90IGEga2V5' })),
    ).toBe('bad_credentials');
    const object = JSON.stringify({ event: 'delivered' });
    expect(
      refusal(() => source.verify(request(object, signer.headers(object, now)), credentials)),
    ).toBe('malformed');
  });

  it('allows a wider tolerance when told', () => {
    const lenient = sendgridWebhooks({ toleranceSeconds: 3600 });
    const old = signer.headers(body, new Date(now.getTime() - 1800_000));
    expect(refusal(() => lenient.verify(request(body, old), credentials))).toBe('accepted');
  });
});

describe('sendgridWebhooks: interpret', () => {
  it('maps each SendGrid event to its effect, with our id, SendGrid’s ids and the event time', () => {
    const effects = interpretEvents({
      id: 'w',
      organizationId: 'o',
      eventType: 'batch',
      payload: events,
      receivedAt: now,
    });
    expect(effects.map((e) => [e.type, e.bounce ?? null])).toEqual([
      ['sent', null],
      ['deferred', null],
      ['delivered', null],
      ['open', null],
      ['click', null],
      ['bounce', 'hard'],
      ['bounce', 'soft'],
      ['failed', null],
      ['spam', null],
      ['unsubscribe', null],
      ['unsubscribe', null],
    ]);
    expect(effects[4]).toEqual({
      kind: 'message.event',
      type: 'click',
      messageId: MESSAGE,
      providerMessageId: '14c5d75ce93',
      providerEventId: 'kCAi1KttyQdEKHhdC-nuEA==',
      occurredAt: new Date((seconds - 30) * 1000),
      metadata: { url: 'https://shop.example/sale' },
    });
    // Without our custom arg, SendGrid's id of the message is what maps it back.
    expect(effects[6]).toMatchObject({ providerMessageId: '24c5d75ce93' });
    expect(effects[6]?.messageId).toBeUndefined();
    expect(effects[5]?.metadata).toMatchObject({ reason: '500 unknown recipient', type: 'bounce' });
  });

  it('skips what it cannot read inside the array, and throws on a payload that is no array', () => {
    const effects = interpretEvents({
      id: 'w',
      organizationId: 'o',
      eventType: 'batch',
      payload: [null, 'x', { event: 'delivered' }, { event: 'delivered', timestamp: 'soon' }],
      receivedAt: now,
    });
    expect(effects).toEqual([]);
    expect(() =>
      interpretEvents({
        id: 'w',
        organizationId: 'o',
        eventType: 'batch',
        payload: {},
        receivedAt: now,
      }),
    ).toThrow();
  });
});
