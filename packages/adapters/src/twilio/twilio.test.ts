/**
 * The Twilio adapter through the REAL `twilio` SDK against a local server speaking Twilio's
 * Messages API: the request it sends (path, Basic auth, form fields) and how each of
 * Twilio's answers maps to a result or a `ProviderError`.
 */
import type { SendContext, SmsMessage } from '@greentrack/core';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../test/local-server.js';
import { providerErrorOf } from '../../test/rejection.js';
import {
  messageIdOf,
  startTwilioRig,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  type TwilioRig,
  twilioError,
} from './conformance-rig.js';
import { HeaderRecordingClient } from './http-client.js';
import { twilioSms } from './provider.js';

const context: SendContext = { organizationId: '00000000-0000-4000-8000-000000000001' };
const MESSAGES_PATH = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages.json`;

function sms(overrides: Partial<SmsMessage> = {}): SmsMessage {
  return {
    messageId: crypto.randomUUID(),
    to: '+14155550100',
    body: 'Spring sale: 20% off today 🌷',
    headers: {},
    ...overrides,
  };
}

describe('twilioSms', () => {
  let rig: TwilioRig;
  beforeAll(async () => {
    rig = await startTwilioRig();
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    rig.server.requests.length = 0;
  });

  it('declares one message per call, not idempotent, at the configured rate', () => {
    expect(rig.provider).toMatchObject({
      id: 'twilio',
      channel: 'sms',
      capabilities: { maxBatch: 1, idempotent: false, ratePerSecond: 100 },
    });
  });

  it('POSTs the Messages.json form with Basic auth and returns the SID', async () => {
    const message = sms();
    const [result] = await rig.provider.send([message], context);

    expect(rig.server.requests).toHaveLength(1);
    const [request] = rig.server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(MESSAGES_PATH);
    const basic = Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64');
    expect(request?.headers.authorization).toBe(`Basic ${basic}`);
    expect(request?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(request?.headers.accept).toBe('application/json');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      To: '+14155550100',
      Body: 'Spring sale: 20% off today 🌷',
      MessagingServiceSid: `MG${'a'.repeat(32)}`,
      StatusCallback: `https://app.example.com/api/greentrack/webhooks/twilio?gt_message_id=${message.messageId}`,
    });

    const sid = rig.sids.get(message.messageId);
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result).toEqual({
      messageId: message.messageId,
      status: 'sent',
      providerMessageId: sid,
    });
  });

  it("sends From without a Messaging Service, and the message's own status callback", async () => {
    const provider = twilioSms({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      from: '+14155550199',
      apiOrigin: rig.server.url,
    });
    const message = sms({ statusCallbackUrl: 'https://hooks.example.com/sms?org=7' });
    const [result] = await provider.send([message], context);
    expect(result?.status).toBe('sent');
    expect(provider.capabilities.ratePerSecond).toBe(1);
    expect(Object.fromEntries(rig.server.requests[0]?.form ?? [])).toEqual({
      To: '+14155550100',
      From: '+14155550199',
      Body: message.body,
      StatusCallback: `https://hooks.example.com/sms?org=7&gt_message_id=${message.messageId}`,
    });
  });

  it('sends several messages in order, one request each', async () => {
    const messages = [sms({ to: '+14155550101' }), sms({ to: '+14155550102' })];
    const results = await rig.provider.send(messages, context);
    expect(results.map((r) => r.messageId)).toEqual(messages.map((m) => m.messageId));
    expect(rig.server.requests.map((r) => r.form?.get('To'))).toEqual([
      '+14155550101',
      '+14155550102',
    ]);
    expect(rig.server.requests.map(messageIdOf)).toEqual(messages.map((m) => m.messageId));
  });

  it('keeps the messages already sent when a later one of the same call is refused', async () => {
    let calls = 0;
    rig.server.handle(() =>
      ++calls === 1
        ? { status: 201, body: { sid: `SM${'c'.repeat(32)}`, status: 'queued' } }
        : {
            status: 429,
            headers: { 'retry-after': '3' },
            body: twilioError(429, 20429, 'Too Many Requests'),
          },
    );
    const messages = [sms(), sms(), sms()];
    const results = await rig.provider.send(messages, context);
    expect(results).toEqual([
      {
        messageId: messages[0]?.messageId,
        status: 'sent',
        providerMessageId: `SM${'c'.repeat(32)}`,
      },
      ...messages.slice(1).map((m) => ({
        messageId: m.messageId,
        status: 'failed',
        failure: {
          kind: 'transient',
          code: '20429',
          message: expect.any(String),
          retryAfterMs: 3000,
        },
      })),
    ]);
    // The third was never tried: the account is rate limited.
    expect(rig.server.requests).toHaveLength(2);
  });

  it.each([
    [21610, 'unsubscribed', 'Attempt to send to unsubscribed recipient'],
    [21211, 'invalid', "The 'To' number +1415555 is not a valid phone number."],
    [21614, 'invalid', "'To' number is not a valid mobile number"],
  ] as const)(
    'maps Twilio %i to a permanent failure that suppresses (%s)',
    async (code, suppress, text) => {
      rig.server.handle(() => ({ status: 400, body: twilioError(400, code, text) }));
      try {
        const message = sms();
        const [result] = await rig.provider.send([message], context);
        expect(result).toEqual({
          messageId: message.messageId,
          status: 'failed',
          failure: {
            kind: 'permanent',
            code: String(code),
            message: `${text} (https://www.twilio.com/docs/errors/${code})`,
            suppress,
          },
        });
      } finally {
        rig.server.handle(async () => ({ status: 500 }));
      }
    },
  );

  it('maps other 4xx to a permanent failure without suppression', async () => {
    rig.server.handle(() => ({
      status: 400,
      body: twilioError(
        400,
        21408,
        'Permission to send an SMS has not been enabled for the region',
      ),
    }));
    const [result] = await rig.provider.send([sms()], context);
    expect(result).toMatchObject({
      status: 'failed',
      failure: { kind: 'permanent', code: '21408' },
    });
    expect(result?.status === 'failed' && result.failure.suppress).toBeUndefined();
  });

  it('throws 429 / 20429 as a transient ProviderError, not sent, with Retry-After', async () => {
    rig.server.handle(() => ({
      status: 429,
      headers: { 'retry-after': '2' },
      body: twilioError(429, 20429, 'Too Many Requests'),
    }));
    const error = await providerErrorOf(rig.provider.send([sms()], context));
    expect(error).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: '20429',
      retryAfterMs: 2000,
    });
  });

  it('throws bad credentials (401, 20003) as a permanent ProviderError, not sent', async () => {
    rig.server.handle(() => ({ status: 401, body: twilioError(401, 20003, 'Authenticate') }));
    const error = await providerErrorOf(rig.provider.send([sms()], context));
    expect(error).toMatchObject({ kind: 'permanent', outcome: 'not_sent', code: '20003' });
  });

  it('throws 503 as not sent, and 500 / 502 as unknown (the message may exist)', async () => {
    rig.server.handle(() => ({
      status: 503,
      body: twilioError(503, 20503, 'Service Unavailable'),
    }));
    expect(await providerErrorOf(rig.provider.send([sms()], context))).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: '20503',
    });
    rig.server.handle(() => ({
      status: 500,
      body: twilioError(500, 20500, 'Internal Server Error'),
    }));
    expect(await providerErrorOf(rig.provider.send([sms()], context))).toMatchObject({
      kind: 'transient',
      outcome: 'unknown',
    });
    // A gateway's HTML error page: no Twilio body at all.
    rig.server.handle(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<h1>Bad Gateway</h1>',
    }));
    expect(await providerErrorOf(rig.provider.send([sms()], context))).toMatchObject({
      outcome: 'unknown',
      code: '502',
    });
  });

  it('throws a timeout after Twilio accepted the request as unknown', async () => {
    const timed = await startTwilioRig();
    try {
      timed.failNext('accept_then_timeout');
      const message = sms();
      const error = await providerErrorOf(timed.provider.send([message], context));
      expect(error).toMatchObject({ kind: 'transient', outcome: 'unknown' });
      expect(timed.accepted()).toEqual([message.messageId]);
    } finally {
      await timed.close();
    }
  });

  it('throws a refused connection as not sent', async () => {
    const gone = await startLocalServer(() => ({ status: 201 }));
    await gone.close();
    const provider = twilioSms({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      from: '+14155550199',
      apiOrigin: gone.url,
    });
    const error = await providerErrorOf(provider.send([sms()], context));
    expect(error).toMatchObject({ kind: 'transient', outcome: 'not_sent', code: 'ECONNREFUSED' });
  });

  it('gives up waiting when the dispatcher aborts, with an unknown outcome', async () => {
    const slow = await startTwilioRig({ timeoutMs: 5_000 });
    try {
      slow.failNext('accept_then_timeout');
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const error = await providerErrorOf(
        slow.provider.send([sms()], { ...context, signal: abort.signal }),
      );
      expect(error).toMatchObject({ outcome: 'unknown', code: 'TWILIO_ABORTED' });
    } finally {
      await slow.close();
    }
  });

  it("sends through a caller's configured client", async () => {
    rig.server.handle(() => ({
      status: 201,
      body: { sid: `SM${'b'.repeat(32)}`, status: 'queued' },
    }));
    const client = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, {
      httpClient: new HeaderRecordingClient({ timeoutMs: 1_000, origin: rig.server.url }),
    });
    const provider = twilioSms({ client, from: '+14155550199', id: 'twilio-eu' });
    const [result] = await provider.send([sms()], context);
    expect(provider.id).toBe('twilio-eu');
    expect(result).toMatchObject({ status: 'sent', providerMessageId: `SM${'b'.repeat(32)}` });
    expect(rig.server.requests[0]?.url).toBe(MESSAGES_PATH);
  });

  it('rejects a configuration without credentials or without a sender (TWILIO_CONFIG_INVALID)', () => {
    expect(() => twilioSms({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN })).toThrow(
      expect.objectContaining({ code: 'TWILIO_CONFIG_INVALID' }),
    );
    expect(() => twilioSms({ accountSid: '', authToken: '', from: '+14155550199' })).toThrow(
      expect.objectContaining({ code: 'TWILIO_CONFIG_INVALID' }),
    );
  });
});
