/**
 * The Postmark adapter through the REAL `postmark` SDK against a local server that answers
 * as Postmark's batch endpoint (test/postmark-api.ts): each test asserts the batch the SDK
 * put on the wire and the results the adapter made of the answer.
 */
import { ServerClient } from 'postmark';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { campaignContext, emailMessages } from '../../test/email-fixtures.js';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import {
  POSTMARK_TEST_TOKEN,
  postmarkAnswer,
  postmarkMessageIdsOf,
} from '../../test/postmark-api.js';
import { providerErrorOf } from '../../test/rejection.js';
import { postmark } from './index.js';

let server: LocalServer;
let inactive: Set<string>;
/** The bodies the local server answered, in order. */
let answers: unknown[];
const answer = (request: Parameters<typeof postmarkAnswer>[0]) => {
  const response = postmarkAnswer(request, inactive);
  answers.push(response.body);
  return response;
};
beforeAll(async () => {
  server = await startLocalServer(answer);
});
afterAll(() => server.close());
beforeEach(() => {
  inactive = new Set();
  answers = [];
  server.requests.length = 0;
  server.handle(answer);
});

const provider = (extra: Parameters<typeof postmark>[0] = {}) =>
  postmark({ serverToken: POSTMARK_TEST_TOKEN, baseUrl: server.url, ...extra });

describe('postmark adapter (real postmark SDK → local Postmark)', () => {
  it('declares its capabilities and refuses a batch size Postmark does not take', () => {
    expect(provider()).toMatchObject({
      id: 'postmark',
      channel: 'email',
      capabilities: { maxBatch: 500, idempotent: false, ratePerSecond: 500 },
    });
    expect(() => provider({ maxBatch: 501 })).toThrow('maxBatch must be 1 to 500');
    expect(() => postmark({})).toThrow('pass a configured `client` or a `serverToken`');
  });

  it('sends the batch as one /email/batch request: server token, Metadata with our ids, broadcast stream, Tag, Headers', async () => {
    const messages = emailMessages(3);
    const context = campaignContext();
    const results = await provider().send(messages, context);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/email/batch');
    expect(request?.headers['x-postmark-server-token']).toBe(POSTMARK_TEST_TOKEN);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.json).toEqual([
      {
        From: '"Corner Bakery" <news@bakery.example>',
        To: '"Reader 0" <reader0@example.com>',
        ReplyTo: 'owner@bakery.example',
        Subject: messages[0]?.subject,
        HtmlBody: messages[0]?.html,
        TextBody: messages[0]?.text,
        MessageStream: 'broadcast',
        Tag: context.campaignId,
        Headers: [
          { Name: 'List-Unsubscribe', Value: messages[0]?.headers['List-Unsubscribe'] },
          { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        ],
        Metadata: {
          gt_message_id: messages[0]?.messageId,
          gt_organization_id: context.organizationId,
          gt_campaign_id: context.campaignId,
          gt_campaign_run_id: context.campaignRunId,
        },
      },
      // Quotes and backslashes in a display name are escaped; no name, a bare address.
      expect.objectContaining({ To: '"Zoë \\"Z\\" O\'Brien 1" <reader1@example.com>' }),
      expect.objectContaining({ To: 'reader2@example.com' }),
    ]);
    if (!request) throw new Error('no request');
    expect(postmarkMessageIdsOf(request)).toEqual(messages.map((m) => m.messageId));

    const answered = answers[0] as Array<{ MessageID: string }>;
    expect(results).toEqual(
      messages.map((m, k) => ({
        messageId: m.messageId,
        status: 'sent',
        providerMessageId: answered[k]?.MessageID,
      })),
    );
  });

  it('uses the transactional stream outside campaigns, or the stream the caller picks', async () => {
    await provider().send(emailMessages(1), { organizationId: 'org-1' });
    await provider({ messageStream: 'newsletters' }).send(emailMessages(1), campaignContext());
    await provider({ messageStream: (c) => (c.campaignId ? 'promo' : 'x') }).send(
      emailMessages(1),
      campaignContext(),
    );
    expect(
      server.requests.map((r) => (r.json as Array<{ MessageStream: string }>)[0]?.MessageStream),
    ).toEqual(['outbound', 'newsletters', 'promo']);
    const [first] = (server.requests[0]?.json ?? []) as Array<Record<string, unknown>>;
    expect(first?.Tag).toBeUndefined();
    expect(first?.Metadata).toEqual({
      gt_message_id: expect.any(String),
      gt_organization_id: 'org-1',
    });
  });

  it('maps per-message error codes: 406 inactive → permanent, suppress bounced; 300 on To → permanent, suppress invalid; the rest of the batch is sent', async () => {
    const messages = emailMessages(4);
    const [, inactiveOne, invalidOne] = messages;
    if (!inactiveOne || !invalidOne) throw new Error('no message');
    inactive.add(inactiveOne.to.email);
    invalidOne.to = { email: 'no-at-sign' };
    const results = await provider().send(messages, campaignContext());
    expect(results.map((r) => r.status)).toEqual(['sent', 'failed', 'failed', 'sent']);
    expect(results[1]).toEqual({
      messageId: inactiveOne.messageId,
      status: 'failed',
      failure: {
        kind: 'permanent',
        code: '406',
        message: expect.stringContaining('marked as inactive'),
        suppress: 'bounced',
      },
    });
    expect(results[2]).toEqual({
      messageId: invalidOne.messageId,
      status: 'failed',
      failure: {
        kind: 'permanent',
        code: '300',
        message:
          "Error parsing 'To': Illegal email address 'no-at-sign'. It must contain the '@' symbol.",
        suppress: 'invalid',
      },
    });
  });

  it('a 300 that is not about the address fails the message without suppressing it; 429 per message is transient', async () => {
    server.handle(() => ({
      status: 200,
      body: [
        { ErrorCode: 300, Message: 'Provide either email TextBody or HtmlBody or both.' },
        { ErrorCode: 429, Message: 'Rate limit exceeded.' },
      ],
    }));
    const results = await provider().send(emailMessages(2), campaignContext());
    expect(results.map((r) => (r.status === 'failed' ? r.failure : null))).toEqual([
      {
        kind: 'permanent',
        code: '300',
        message: 'Provide either email TextBody or HtmlBody or both.',
      },
      { kind: 'transient', code: '429', message: 'Rate limit exceeded.' },
    ]);
  });

  it("a bad token (401) fails the call permanently, not sent, with Postmark's message", async () => {
    const error = await providerErrorOf(
      postmark({ serverToken: 'wrong', baseUrl: server.url }).send(
        emailMessages(2),
        campaignContext(),
      ),
    );
    expect(error).toMatchObject({
      kind: 'permanent',
      outcome: 'not_sent',
      code: '10',
      message: 'Bad or missing Server API token.',
    });
  });

  it('429 for the batch: transient, not sent, Retry-After honoured; 503 transient, not sent; 500 unknown', async () => {
    server.handle(() => ({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { ErrorCode: 429, Message: 'Rate limit exceeded.' },
    }));
    expect(
      await providerErrorOf(provider().send(emailMessages(2), campaignContext())),
    ).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: '429',
      retryAfterMs: 2000,
    });
    server.handle(() => ({ status: 503, body: { ErrorCode: 100, Message: 'Maintenance' } }));
    expect(
      await providerErrorOf(provider().send(emailMessages(2), campaignContext())),
    ).toMatchObject({
      kind: 'transient',
      outcome: 'not_sent',
      code: '100',
    });
    server.handle(() => ({
      status: 500,
      body: { ErrorCode: 0, Message: 'Internal server error' },
    }));
    expect(
      await providerErrorOf(provider().send(emailMessages(2), campaignContext())),
    ).toMatchObject({
      kind: 'transient',
      outcome: 'unknown',
      code: '500',
    });
  });

  it('a batch the API refuses as a whole (422) fails permanently, not sent', async () => {
    server.handle(() => ({
      status: 422,
      body: { ErrorCode: 410, Message: 'Too many batch messages.' },
    }));
    expect(
      await providerErrorOf(provider().send(emailMessages(2), campaignContext())),
    ).toMatchObject({
      kind: 'permanent',
      outcome: 'not_sent',
      code: '410',
    });
  });

  it('no answer within the timeout after the batch was sent: outcome unknown', async () => {
    server.handle(async (request) => {
      await new Promise((r) => setTimeout(r, 2000));
      return answer(request);
    });
    const error = await providerErrorOf(
      provider({ timeoutMs: 800 }).send(emailMessages(2), campaignContext()),
    );
    expect(error).toMatchObject({ kind: 'transient', outcome: 'unknown' });
    expect(server.requests).toHaveLength(1);
  });

  it("the call's abort signal ends the request at once, outcome unknown", async () => {
    server.handle(async (request) => {
      await new Promise((r) => setTimeout(r, 1500));
      return answer(request);
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await providerErrorOf(
      provider().send(emailMessages(2), campaignContext(controller.signal)),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'transient', outcome: 'unknown' });
  });

  it('connection refused: transient, not sent', async () => {
    const closed = await startLocalServer(answer);
    await closed.close();
    const error = await providerErrorOf(
      postmark({ serverToken: POSTMARK_TEST_TOKEN, baseUrl: closed.url }).send(
        emailMessages(1),
        campaignContext(),
      ),
    );
    expect(error).toMatchObject({ kind: 'transient', outcome: 'not_sent', code: 'ECONNREFUSED' });
  });

  it('uses a ServerClient the caller configured', async () => {
    const client = new ServerClient(POSTMARK_TEST_TOKEN, {
      useHttps: false,
      requestHost: new URL(server.url).host,
    });
    const results = await postmark({ client }).send(emailMessages(2), campaignContext());
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});
