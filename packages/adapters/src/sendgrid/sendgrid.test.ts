/**
 * The SendGrid adapter through the REAL `@sendgrid/mail` SDK against a local server that
 * answers as SendGrid's v3 Mail Send API (test/sendgrid-api.ts): each test asserts the
 * requests the SDK put on the wire and the results the adapter made of the answers.
 */
import { MailService } from '@sendgrid/mail';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { campaignContext, emailMessages, FROM } from '../../test/email-fixtures.js';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import { providerErrorOf } from '../../test/rejection.js';
import {
  SENDGRID_TEST_KEY,
  sendgridAnswer,
  sendgridErrors,
  sendgridMessageIdOf,
} from '../../test/sendgrid-api.js';
import { sendgrid } from './index.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer(sendgridAnswer);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.handle(sendgridAnswer);
});

const provider = (extra: Parameters<typeof sendgrid>[0] = {}) =>
  sendgrid({ apiKey: SENDGRID_TEST_KEY, baseUrl: server.url, ...extra });

describe('sendgrid adapter (real @sendgrid/mail → local SendGrid)', () => {
  it('declares its capabilities', () => {
    expect(provider()).toMatchObject({
      id: 'sendgrid',
      channel: 'email',
      capabilities: { maxBatch: 100, idempotent: false, ratePerSecond: 100 },
    });
    expect(provider({ maxBatch: 10, ratePerSecond: 5, id: 'sg-eu' })).toMatchObject({
      id: 'sg-eu',
      capabilities: { maxBatch: 10, ratePerSecond: 5 },
    });
  });

  it('sends each message as its own /v3/mail/send request: Bearer key, one personalization, custom_args, category, headers, both parts', async () => {
    const messages = emailMessages(3);
    const context = campaignContext();
    const results = await provider().send(messages, context);

    expect(server.requests).toHaveLength(3);
    const byId = new Map(server.requests.map((r) => [sendgridMessageIdOf(r), r]));
    for (const message of messages) {
      const request = byId.get(message.messageId);
      if (!request) throw new Error(`no request for ${message.messageId}`);
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/v3/mail/send');
      expect(request.headers.authorization).toBe(`Bearer ${SENDGRID_TEST_KEY}`);
      expect(request.headers['content-type']).toMatch(/^application\/json/);
      expect(request.json).toEqual({
        from: FROM,
        subject: message.subject,
        personalizations: [
          {
            to: [message.to],
            custom_args: {
              gt_message_id: message.messageId,
              gt_organization_id: context.organizationId,
              gt_campaign_id: context.campaignId,
              gt_campaign_run_id: context.campaignRunId,
            },
          },
        ],
        content: [
          { type: 'text/plain', value: message.text },
          { type: 'text/html', value: message.html },
        ],
        headers: {
          'List-Unsubscribe': message.headers['List-Unsubscribe'],
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
        categories: [context.campaignId],
        ...(message.replyTo === undefined ? {} : { reply_to: { email: message.replyTo } }),
      });
    }
    // One result per message, in order, with the X-Message-Id of its own request.
    expect(results.map((r) => r.messageId)).toEqual(messages.map((m) => m.messageId));
    const ids = results.map((r) => (r.status === 'sent' ? r.providerMessageId : null));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('leaves out categories and the run ids when the batch is not part of a campaign', async () => {
    const [message] = emailMessages(1);
    if (!message) throw new Error('no message');
    await provider().send([message], { organizationId: 'org-1' });
    const body = server.requests[0]?.json as Record<string, unknown>;
    expect(body.categories).toBeUndefined();
    expect(body.personalizations).toEqual([
      {
        to: [message.to],
        custom_args: { gt_message_id: message.messageId, gt_organization_id: 'org-1' },
      },
    ]);
  });

  it('sandbox mode sets mail_settings.sandbox_mode and records no provider id (SendGrid answers 200 without one)', async () => {
    const messages = emailMessages(2);
    const results = await provider({ sandboxMode: true }).send(messages, campaignContext());
    for (const request of server.requests) {
      expect((request.json as Record<string, unknown>).mail_settings).toEqual({
        sandbox_mode: { enable: true },
      });
    }
    expect(results).toEqual(
      messages.map((m) => ({ messageId: m.messageId, status: 'sent', providerMessageId: null })),
    );
  });

  it("a 400 on the recipient address fails that message permanently with SendGrid's text and suppress: invalid; the others go out", async () => {
    const messages = emailMessages(3);
    const bad = messages[1];
    if (!bad) throw new Error('no message');
    bad.to = { email: 'not-an-address' };
    const results = await provider().send(messages, campaignContext());
    expect(server.requests).toHaveLength(3);
    expect(results.map((r) => r.status)).toEqual(['sent', 'failed', 'sent']);
    expect(results[1]).toEqual({
      messageId: bad.messageId,
      status: 'failed',
      failure: {
        kind: 'permanent',
        code: '400',
        message: 'Does not contain a valid address.',
        suppress: 'invalid',
      },
    });
  });

  it('a 400 on anything else fails the message permanently without suppressing the address', async () => {
    server.handle(() => ({
      status: 400,
      body: sendgridErrors({ message: 'The subject is required.', field: 'subject' }),
    }));
    const results = await provider().send(emailMessages(2), campaignContext());
    expect(results.map((r) => (r.status === 'failed' ? r.failure : null))).toEqual([
      { kind: 'permanent', code: '400', message: 'The subject is required.' },
      { kind: 'permanent', code: '400', message: 'The subject is required.' },
    ]);
  });

  it('429 with Retry-After: the batch stops at once and fails as a whole, transient, not sent, with the wait', async () => {
    server.handle(() => ({
      status: 429,
      headers: { 'retry-after': '2' },
      body: sendgridErrors({ message: 'too many requests' }),
    }));
    const error = await providerErrorOf(
      provider({ concurrency: 1 }).send(emailMessages(5), campaignContext()),
    );
    expect(error).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: '429',
      message: 'too many requests',
      retryAfterMs: 2000,
    });
    // The first 429 stopped the batch: the other four were never tried.
    expect(server.requests).toHaveLength(1);
  });

  it('429 without Retry-After waits until X-RateLimit-Reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 60;
    server.handle(() => ({
      status: 429,
      headers: {
        'x-ratelimit-limit': '600',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      },
      body: sendgridErrors({ message: 'too many requests' }),
    }));
    const error = await providerErrorOf(provider().send(emailMessages(1), campaignContext()));
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('a 429 after some messages went out: those are sent, the rest transient with the wait (never tried ones too)', async () => {
    let calls = 0;
    server.handle((request) =>
      ++calls <= 2
        ? sendgridAnswer(request)
        : {
            status: 429,
            headers: { 'retry-after': '3' },
            body: sendgridErrors({ message: 'too many requests' }),
          },
    );
    const results = await provider({ concurrency: 1 }).send(emailMessages(5), campaignContext());
    expect(server.requests).toHaveLength(3);
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'failed', 'failed', 'failed']);
    expect(results.slice(2).map((r) => (r.status === 'failed' ? r.failure : null))).toEqual([
      { kind: 'transient', code: '429', message: 'too many requests', retryAfterMs: 3000 },
      {
        kind: 'transient',
        code: '429',
        message: 'not sent: too many requests',
        retryAfterMs: 3000,
      },
      {
        kind: 'transient',
        code: '429',
        message: 'not sent: too many requests',
        retryAfterMs: 3000,
      },
    ]);
  });

  it('a bad key (401) fails the whole call permanently, nothing sent', async () => {
    const error = await providerErrorOf(
      sendgrid({ apiKey: 'SG.wrong', baseUrl: server.url }).send(
        emailMessages(3),
        campaignContext(),
      ),
    );
    expect(error).toMatchObject({
      kind: 'permanent',
      outcome: 'not_sent',
      code: '401',
      message: 'authorization required',
    });
  });

  it('503 is transient and not sent; 500 and 502 leave the outcome unknown', async () => {
    server.handle(() => ({
      status: 503,
      body: sendgridErrors({ message: 'service unavailable' }),
    }));
    expect(
      await providerErrorOf(provider().send(emailMessages(2), campaignContext())),
    ).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: '503',
    });
    for (const status of [500, 502]) {
      server.handle(() => ({ status, body: sendgridErrors({ message: 'internal server error' }) }));
      expect(
        await providerErrorOf(provider().send(emailMessages(2), campaignContext())),
      ).toMatchObject({
        kind: 'transient',
        outcome: 'unknown',
      });
    }
  });

  it('a request that times out after it was sent: outcome unknown — alone it fails the call, in a batch only that message is left out', async () => {
    const slow = new Set<string>();
    server.handle(async (request) => {
      if (slow.has(sendgridMessageIdOf(request) ?? ''))
        await new Promise((r) => setTimeout(r, 2000));
      return sendgridAnswer(request);
    });
    const [alone, ...batch] = emailMessages(4);
    if (!alone || !batch[1]) throw new Error('no message');
    slow.add(alone.messageId);
    expect(
      await providerErrorOf(provider({ timeoutMs: 800 }).send([alone], campaignContext())),
    ).toMatchObject({ kind: 'transient', outcome: 'unknown', code: 'NO_ANSWER' });

    slow.add(batch[1].messageId);
    const results = await provider({ timeoutMs: 800 }).send(batch, campaignContext());
    // The dispatcher counts a missing result as unknown: held, never resent blindly.
    expect(results.map((r) => [r.messageId, r.status])).toEqual([
      [batch[0]?.messageId, 'sent'],
      [batch[2]?.messageId, 'sent'],
    ]);
  });

  it('an aborted call answers at once: in-flight messages unknown (left out), those not yet started transient', async () => {
    server.handle(async (request) => {
      await new Promise((r) => setTimeout(r, 1500));
      return sendgridAnswer(request);
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('dispatcher timeout')), 50);
    const messages = emailMessages(4);
    const started = Date.now();
    const results = await provider({ concurrency: 2 }).send(
      messages,
      campaignContext(controller.signal),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests.map(sendgridMessageIdOf)).toEqual(
      messages.slice(0, 2).map((m) => m.messageId),
    );
    expect(results).toEqual(
      messages.slice(2).map((m) => ({
        messageId: m.messageId,
        status: 'failed',
        failure: { kind: 'transient', code: 'ABORTED', message: 'not sent: the call was aborted' },
      })),
    );
  });

  it('connection refused: nothing left, the whole call fails transient, not sent', async () => {
    const closed = await startLocalServer(sendgridAnswer);
    await closed.close();
    const error = await providerErrorOf(
      sendgrid({ apiKey: SENDGRID_TEST_KEY, baseUrl: closed.url }).send(
        emailMessages(2),
        campaignContext(),
      ),
    );
    expect(error).toMatchObject({ kind: 'transient', outcome: 'not_sent', code: 'ECONNREFUSED' });
  });

  it('uses a client the caller configured', async () => {
    const client = new MailService();
    client.setApiKey(SENDGRID_TEST_KEY);
    (
      client as unknown as { client: { setDefaultRequest(k: string, v: string): void } }
    ).client.setDefaultRequest('baseUrl', server.url);
    const results = await sendgrid({ client }).send(emailMessages(1), campaignContext());
    expect(results[0]?.status).toBe('sent');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses to build without a client or an API key', () => {
    expect(() => sendgrid({})).toThrow('pass a configured `client` or an `apiKey`');
  });
});
