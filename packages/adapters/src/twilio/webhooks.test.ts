/**
 * `twilioWebhooks()`: verification with Twilio's real signing (the SDK's
 * `getExpectedTwilioSignature`), what it stores, how a stored row reads back as effects, and
 * the TwiML answer. The status callback URL is the one the real SDK sent to the local Twilio
 * when `twilioSms` created the message, so the `gt_message_id` round trip is the real one.
 */
import {
  type InboundWebhookRequest,
  type StoredWebhook,
  WebhookSignatureError,
} from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdOf, startTwilioRig, TEST_AUTH_TOKEN, type TwilioRig } from './conformance-rig.js';
import { inboundForm, messageSid, signTwilio, statusCallbackForm } from './webhook-fixtures.js';
import { twilioWebhooks } from './webhooks.js';

const PUBLIC_URL = 'https://app.example.com/api/greentrack/webhooks/twilio/acct-1';
const RECEIVED_AT = new Date('2026-06-01T18:00:00.000Z');

function request(
  url: string,
  form: Record<string, string>,
  options: { token?: string; signedUrl?: string; headers?: Record<string, string> } = {},
): InboundWebhookRequest {
  const { body, signature } = signTwilio(
    options.token ?? TEST_AUTH_TOKEN,
    options.signedUrl ?? url,
    form,
  );
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      ...options.headers,
    },
    rawBody: new TextEncoder().encode(body),
    receivedAt: RECEIVED_AT,
  };
}

const credentials = { authToken: TEST_AUTH_TOKEN };

/** What core stores and reads back: the payload through a JSON round trip, as jsonb does. */
async function storedOf(incoming: InboundWebhookRequest): Promise<StoredWebhook> {
  const verified = await twilioWebhooks().verify(incoming, credentials);
  return {
    id: crypto.randomUUID(),
    organizationId: crypto.randomUUID(),
    eventType: verified.eventType,
    payload: JSON.parse(JSON.stringify(verified.payload)),
    receivedAt: incoming.receivedAt,
  };
}

function rejection(incoming: InboundWebhookRequest, creds: Record<string, string> = credentials) {
  try {
    twilioWebhooks().verify(incoming, creds);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureError);
    return (error as WebhookSignatureError).reason;
  }
  throw new Error('verify accepted the request');
}

describe('twilioWebhooks: verification', () => {
  const form = inboundForm({ from: '+14155550101', body: 'STOP' });

  it('accepts a request signed with the account’s auth token over the public URL', async () => {
    const verified = await twilioWebhooks().verify(request(PUBLIC_URL, form), credentials);
    expect(verified).toMatchObject({ eventType: 'inbound', eventCount: 1 });
    expect(verified.payload).toEqual({ params: form, messageId: null });
  });

  it('rejects a tampered parameter', () => {
    const signed = request(PUBLIC_URL, form);
    const tampered = new URLSearchParams({ ...form, Body: 'START' }).toString();
    expect(rejection({ ...signed, rawBody: new TextEncoder().encode(tampered) })).toBe(
      'bad_signature',
    );
  });

  it('rejects an added parameter', () => {
    const signed = request(PUBLIC_URL, form);
    const added = `${new TextDecoder().decode(signed.rawBody)}&Extra=1`;
    expect(rejection({ ...signed, rawBody: new TextEncoder().encode(added) })).toBe(
      'bad_signature',
    );
  });

  it('rejects a signature made with another auth token', () => {
    expect(rejection(request(PUBLIC_URL, form, { token: 'another-token' }))).toBe('bad_signature');
  });

  it('rejects a request without X-Twilio-Signature', () => {
    const { 'x-twilio-signature': _, ...headers } = request(PUBLIC_URL, form).headers;
    expect(rejection({ ...request(PUBLIC_URL, form), headers })).toBe('missing_header');
  });

  it('refuses to verify without an auth token in the account', () => {
    expect(rejection(request(PUBLIC_URL, form), {})).toBe('missing_secret');
  });

  it('rejects a body that is not a form', () => {
    const signed = request(PUBLIC_URL, form, { headers: { 'content-type': 'application/json' } });
    expect(rejection(signed)).toBe('malformed');
  });

  it('behind a proxy: verifies against the public URL Twilio signed, not the internal one', async () => {
    // Twilio signed the public URL; the host saw its own address. Checked against the
    // internal URL the signature fails; against the public one (what core passes when
    // `webhooks.publicBaseUrl` is set) it holds.
    const internal = 'http://10.0.0.7:3000/api/greentrack/webhooks/twilio/acct-1';
    expect(rejection(request(internal, form, { signedUrl: PUBLIC_URL }))).toBe('bad_signature');
    await expect(
      Promise.resolve(twilioWebhooks().verify(request(PUBLIC_URL, form), credentials)),
    ).resolves.toMatchObject({ eventType: 'inbound' });
  });

  it('covers the query string: another message id in the URL fails', () => {
    const signedUrl = `${PUBLIC_URL}?gt_message_id=${crypto.randomUUID()}`;
    const forged = `${PUBLIC_URL}?gt_message_id=${crypto.randomUUID()}`;
    const callback = statusCallbackForm({ sid: messageSid(), status: 'delivered', to: '+1' });
    expect(rejection(request(forged, callback, { signedUrl }))).toBe('bad_signature');
  });

  it('accepts the URL with or without the default port, as Twilio’s own validator does', async () => {
    const withPort = 'https://app.example.com:443/api/greentrack/webhooks/twilio/acct-1';
    await expect(
      Promise.resolve(
        twilioWebhooks().verify(request(withPort, form, { signedUrl: PUBLIC_URL }), credentials),
      ),
    ).resolves.toMatchObject({ eventType: 'inbound' });
  });
});

describe('twilioWebhooks: status callbacks of a message sent through twilioSms', () => {
  let rig: TwilioRig;
  let callbackUrl: string;
  let ourId: string;
  let sid: string;
  const to = '+14155550123';

  beforeAll(async () => {
    rig = await startTwilioRig({
      statusCallback: 'https://app.example.com/api/greentrack/webhooks/twilio/acct-1',
    });
    ourId = crypto.randomUUID();
    const [result] = await rig.provider.send(
      [{ messageId: ourId, to, body: 'Spring sale', headers: {} }],
      { organizationId: crypto.randomUUID() },
    );
    sid = result?.status === 'sent' ? (result.providerMessageId ?? '') : '';
    const [created] = rig.server.requests;
    callbackUrl = created?.form?.get('StatusCallback') ?? '';
    expect(created && messageIdOf(created)).toBe(ourId);
  });
  afterAll(() => rig.close());

  it.each([
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
  ] as const)(
    'MessageStatus=%s → message.event %s, mapped by our id and the SID',
    async (status, type) => {
      const stored = await storedOf(request(callbackUrl, statusCallbackForm({ sid, status, to })));
      expect(stored.eventType).toBe(`status.${status}`);
      expect(twilioWebhooks().interpret(stored)).toEqual([
        {
          kind: 'message.event',
          type,
          messageId: ourId,
          providerMessageId: sid,
          providerEventId: `${sid}:${status}`,
          occurredAt: RECEIVED_AT,
          metadata: { status },
        },
      ]);
    },
  );

  it.each(['queued', 'accepted', 'sending', 'scheduled', 'partially_delivered', 'a_new_status'])(
    'MessageStatus=%s → no effect (before the carrier, or not a status of the whole message)',
    async (status) => {
      const stored = await storedOf(request(callbackUrl, statusCallbackForm({ sid, status, to })));
      expect(twilioWebhooks().interpret(stored)).toEqual([]);
    },
  );

  it('keeps the error code of a failed message; a landline is a hard bounce', async () => {
    const failed = await storedOf(
      request(
        callbackUrl,
        statusCallbackForm({ sid, status: 'undelivered', to, errorCode: '30003' }),
      ),
    );
    expect(twilioWebhooks().interpret(failed)).toMatchObject([
      { type: 'failed', metadata: { status: 'undelivered', errorCode: '30003' } },
    ]);
    const landline = await storedOf(
      request(
        callbackUrl,
        statusCallbackForm({ sid, status: 'undelivered', to, errorCode: '30006' }),
      ),
    );
    expect(twilioWebhooks().interpret(landline)).toMatchObject([
      { type: 'bounce', bounce: 'hard', metadata: { errorCode: '30006' } },
    ]);
    expect(
      twilioWebhooks({ hardBounceErrorCodes: [] })
        .interpret(landline)
        .map((e) => e.kind === 'message.event' && e.type),
    ).toEqual(['failed']);
  });

  it('maps by SID alone when the callback URL carries no message id', async () => {
    const stored = await storedOf(
      request(PUBLIC_URL, statusCallbackForm({ sid, status: 'delivered', to })),
    );
    const [effect] = twilioWebhooks().interpret(stored);
    expect(effect).toMatchObject({ kind: 'message.event', providerMessageId: sid });
    expect(effect).not.toHaveProperty('messageId');
  });
});

describe('twilioWebhooks: inbound messages and the TwiML answer', () => {
  it('an inbound message → sms.inbound with sender, our number, body and SID', async () => {
    const sid = messageSid();
    const form = inboundForm({ from: '+14155550101', to: '+14155550000', body: ' Stop ', sid });
    const stored = await storedOf(request(PUBLIC_URL, form));
    expect(twilioWebhooks().interpret(stored)).toEqual([
      {
        kind: 'sms.inbound',
        from: '+14155550101',
        to: '+14155550000',
        body: ' Stop ',
        providerMessageId: sid,
      },
    ]);
  });

  it('keeps a body in any script byte for byte', async () => {
    const form = inboundForm({ from: '+14155550101', body: 'ARRÊT 🌷 & <ok>' });
    const stored = await storedOf(request(PUBLIC_URL, form));
    expect(twilioWebhooks().interpret(stored)).toMatchObject([{ body: 'ARRÊT 🌷 & <ok>' }]);
  });

  it('a payload it cannot read throws (the row is marked failed)', () => {
    const stored: StoredWebhook = {
      id: crypto.randomUUID(),
      organizationId: crypto.randomUUID(),
      eventType: 'inbound',
      payload: { something: 'else' },
      receivedAt: RECEIVED_AT,
    };
    expect(() => twilioWebhooks().interpret(stored)).toThrow();
  });

  it('answers TwiML with one escaped <Message> per reply, as text/xml', () => {
    const source = twilioWebhooks();
    const answer = source.acknowledge?.({
      replies: ['Green Shop: Reply STOP to unsubscribe & <more>', 'Second'],
    });
    expect(answer).toEqual({
      status: 200,
      contentType: 'text/xml',
      body:
        '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Message>Green Shop: Reply STOP to unsubscribe &amp; &lt;more&gt;</Message>' +
        '<Message>Second</Message></Response>',
    });
    expect(source.acknowledge?.({ replies: [] }).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    );
  });
});
