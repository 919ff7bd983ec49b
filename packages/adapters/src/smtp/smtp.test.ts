/**
 * The SMTP adapter through REAL `nodemailer` against a REAL `smtp-server` in-process; what
 * the server received is parsed by `mailparser` and checked: envelope, headers (our id,
 * Message-ID, List-Unsubscribe), multipart text + HTML, DKIM; then how SMTP replies map.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { EmailMessage, SendContext } from '@greentrack/core';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerErrorOf } from '../../test/rejection.js';
import { type SmtpRig, startSmtpRig } from './conformance-rig.js';
import { smtpOutcome } from './errors.js';
import { smtpEmail } from './provider.js';

const context: SendContext = { organizationId: '00000000-0000-4000-8000-000000000001' };

function email(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    messageId: crypto.randomUUID(),
    to: { email: 'ada@example.net', name: 'Ada Lovelace' },
    from: { email: 'news@shop.example.com', name: 'Green Shop' },
    replyTo: 'help@shop.example.com',
    subject: 'Spring sale 🌷',
    html: '<p>Hello <b>Ada</b>, 20% off today.</p>',
    text: 'Hello Ada, 20% off today.',
    headers: {
      'List-Unsubscribe': '<https://shop.example.com/u/abc>, <mailto:unsub@shop.example.com>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  };
}

describe('smtpEmail', () => {
  let rig: SmtpRig;
  beforeAll(async () => {
    rig = await startSmtpRig();
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    rig.received.length = 0;
  });

  it('declares its batch size and rate, not idempotent', () => {
    expect(rig.provider).toMatchObject({
      id: 'smtp',
      channel: 'email',
      capabilities: { maxBatch: 50, idempotent: false, ratePerSecond: 100 },
    });
  });

  it('delivers a multipart text + HTML message with our id, List-Unsubscribe and its own envelope', async () => {
    const message = email();
    const [result] = await rig.provider.send([message], context);

    expect(rig.received).toHaveLength(1);
    const [mail] = rig.received;
    expect(mail?.envelope).toEqual({
      mailFrom: 'news@shop.example.com',
      rcptTo: ['ada@example.net'],
    });
    const parsed = mail?.parsed;
    expect(parsed?.subject).toBe('Spring sale 🌷');
    expect(parsed?.from?.value).toEqual([{ address: 'news@shop.example.com', name: 'Green Shop' }]);
    expect(parsed?.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([
      { address: 'ada@example.net', name: 'Ada Lovelace' },
    ]);
    expect(parsed?.replyTo?.value).toEqual([{ address: 'help@shop.example.com', name: '' }]);
    expect(parsed?.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed?.text?.trim()).toBe('Hello Ada, 20% off today.');
    expect(parsed?.html).toContain('<p>Hello <b>Ada</b>, 20% off today.</p>');
    expect(parsed?.messageId).toBe(`<${message.messageId}@shop.example.com>`);
    expect(parsed?.headers.get('x-greentrack-message-id')).toBe(message.messageId);
    // mailparser reads List-* headers into a structure; the raw lines are what a mailbox sees.
    const raw = mail?.raw.toString('utf8') ?? '';
    expect(raw).toContain(
      'List-Unsubscribe: <https://shop.example.com/u/abc>,\r\n <mailto:unsub@shop.example.com>',
    );
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(parsed?.headers.get('list')).toMatchObject({
      unsubscribe: { url: 'https://shop.example.com/u/abc', mail: 'unsub@shop.example.com' },
    });

    expect(result).toEqual({
      messageId: message.messageId,
      status: 'sent',
      providerMessageId: `<${message.messageId}@shop.example.com>`,
    });
  });

  it('sends a batch concurrently over the pool, one transaction per message, results in order', async () => {
    const messages = Array.from({ length: 12 }, (_, i) =>
      email({ to: { email: `r${i}@example.net` }, text: `n${i}` }),
    );
    const results = await rig.provider.send(messages, context);
    expect(results.map((r) => [r.messageId, r.status])).toEqual(
      messages.map((m) => [m.messageId, 'sent']),
    );
    expect(rig.received.map((m) => m.envelope.rcptTo)).toHaveLength(12);
    expect(new Set(rig.received.map((m) => m.envelope.rcptTo.join()))).toEqual(
      new Set(messages.map((m) => m.to.email)),
    );
    expect(rig.accepted().sort()).toEqual(messages.map((m) => m.messageId).sort());
  });

  it('uses the configured envelope sender and Message-ID domain', async () => {
    const provider = smtpEmail({
      host: '127.0.0.1',
      port: rig.port,
      envelopeFrom: 'bounces@mail.example.com',
      messageIdDomain: 'mail.example.com',
    });
    try {
      const message = email();
      const [result] = await provider.send([message], context);
      expect(rig.received[0]?.envelope.mailFrom).toBe('bounces@mail.example.com');
      expect(rig.received[0]?.parsed.messageId).toBe(`<${message.messageId}@mail.example.com>`);
      expect(result).toMatchObject({
        providerMessageId: `<${message.messageId}@mail.example.com>`,
      });
    } finally {
      provider.close();
    }
  });

  it('signs with DKIM when configured', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const provider = smtpEmail({
      host: '127.0.0.1',
      port: rig.port,
      dkim: {
        domainName: 'shop.example.com',
        keySelector: 'gt1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    try {
      await provider.send([email()], context);
      const raw = rig.received[0]?.raw.toString('utf8') ?? '';
      const signature = /^DKIM-Signature: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
      expect(signature).toMatch(/\bd=shop\.example\.com;/);
      expect(signature).toMatch(/\bs=gt1;/);
      expect(signature).toMatch(/\bh=[^;]*Message-ID/i);
    } finally {
      provider.close();
    }
  });

  it('maps 550 5.1.1 at RCPT TO to a permanent failure that suppresses the address as invalid', async () => {
    rig.failNext('permanent');
    const [bad, good] = [email({ to: { email: 'nobody@example.net' } }), email()];
    // One at a time, so the fault lands on the first transaction.
    const [result] = await rig.provider.send([bad], context);
    expect(result).toMatchObject({
      messageId: bad.messageId,
      status: 'failed',
      failure: { kind: 'permanent', code: '550', suppress: 'invalid' },
    });
    expect(result?.status === 'failed' && result.failure.message).toContain('User unknown');
    expect((await rig.provider.send([good], context))[0]?.status).toBe('sent');
    expect(rig.accepted()).toEqual([good.messageId]);
  });

  it('throws a batch the server turns away (4xx to every message) as transient, not sent', async () => {
    rig.failNext('transient');
    const error = await providerErrorOf(rig.provider.send([email()], context));
    expect(error).toMatchObject({ kind: 'transient', outcome: 'not_sent', code: '451' });
    expect(error.message).toContain('4.3.0');
    rig.failNext('rate_limited');
    expect(await providerErrorOf(rig.provider.send([email()], context))).toMatchObject({
      code: '451',
    });
    expect(rig.received).toHaveLength(0);
  });

  it('keeps a 4xx for one message of a batch as that message’s transient failure', async () => {
    rig.failNext('rate_limited');
    const results = await rig.provider.send([email(), email()], context);
    expect(results.map((r) => r.status).sort()).toEqual(['failed', 'sent']);
    expect(results.find((r) => r.status === 'failed')).toMatchObject({
      failure: { kind: 'transient', code: '451' },
    });
  });

  it('throws a timeout after DATA (the server took the message) as unknown', async () => {
    rig.failNext('accept_then_timeout');
    const message = email();
    const error = await providerErrorOf(rig.provider.send([message], context));
    expect(error).toMatchObject({
      kind: 'transient',
      outcome: 'unknown',
      code: 'SMTP_OUTCOME_UNKNOWN',
    });
    expect(rig.accepted()).toEqual([message.messageId]);
  });

  it('throws a refused connection as transient, not sent', async () => {
    const provider = smtpEmail({ host: '127.0.0.1', port: 1, timeoutMs: 1_000 });
    try {
      const error = await providerErrorOf(provider.send([email(), email()], context));
      expect(error).toMatchObject({ kind: 'transient', outcome: 'not_sent' });
    } finally {
      provider.close();
    }
  });

  it('throws rejected credentials for the call, but keeps what a good connection sent', async () => {
    let logins = 0;
    const server = new SMTPServer({
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 200,
      // The first connection logs in; the password is "rotated" for every later one.
      onAuth: (_auth, _session, callback) =>
        ++logins === 1
          ? callback(null, { user: 'greentrack' })
          : callback(
              Object.assign(new Error('5.7.8 Authentication credentials invalid'), {
                responseCode: 535,
              }),
            ),
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.server.address() as AddressInfo).port;
    const options = {
      host: '127.0.0.1',
      port,
      auth: { user: 'greentrack', pass: 'secret' },
      maxConnections: 3,
    };
    const mixed = smtpEmail(options);
    const refused = smtpEmail(options);
    try {
      const results = await mixed.send(
        Array.from({ length: 6 }, () => email()),
        context,
      );
      const sent = results.filter((r) => r.status === 'sent');
      expect(sent.length).toBeGreaterThan(0);
      // The pool opened more than one connection for six messages: some met the new password.
      expect(sent.length).toBeLessThan(results.length);
      for (const result of results.filter((r) => r.status === 'failed')) {
        expect(result).toMatchObject({ failure: { kind: 'permanent', code: 'EAUTH' } });
      }
      expect(await providerErrorOf(refused.send([email()], context))).toMatchObject({
        kind: 'permanent',
        outcome: 'not_sent',
        code: 'EAUTH',
      });
    } finally {
      mixed.close();
      refused.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it("sends through a caller's transport", async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: rig.port,
      secure: false,
    });
    const provider = smtpEmail({ transport, id: 'relay' });
    const [result] = await provider.send([email()], context);
    expect(result?.status).toBe('sent');
    expect(provider.id).toBe('relay');
    expect(rig.received).toHaveLength(1);
    transport.close();
  });

  it('rejects a configuration without a server (SMTP_CONFIG_INVALID)', () => {
    expect(() => smtpEmail({ host: '' })).toThrow(
      expect.objectContaining({ code: 'SMTP_CONFIG_INVALID' }),
    );
    expect(() => smtpEmail({ host: 'x', maxBatch: 0 })).toThrow(
      expect.objectContaining({ code: 'SMTP_CONFIG_INVALID' }),
    );
  });
});

describe('smtpOutcome', () => {
  const reply = (responseCode: number, response: string, command = 'RCPT TO') =>
    Object.assign(new Error(response), { responseCode, response, command });

  it.each([
    [550, '550 5.1.1 User unknown', 'invalid'],
    [550, '550 5.1.2 Bad destination domain', 'invalid'],
    [550, '550 5.2.1 Mailbox disabled', 'bounced'],
    [550, '550 Requested action not taken: mailbox unavailable', 'bounced'],
    [553, '553 Mailbox name not allowed', 'invalid'],
    [550, '550 5.7.1 Message rejected as spam', undefined],
    [552, '552 5.2.2 Mailbox full', undefined],
  ] as const)('%i "%s" → permanent, suppress %s', (code, response, suppress) => {
    const outcome = smtpOutcome(reply(code, response));
    expect(outcome.type).toBe('failed');
    expect(outcome.type === 'failed' && outcome.failure).toEqual({
      kind: 'permanent',
      code: String(code),
      message: response,
      ...(suppress ? { suppress } : {}),
    });
  });

  it('treats credentials and a refused session as fatal for the call', () => {
    expect(
      smtpOutcome(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 })),
    ).toMatchObject({
      type: 'fatal',
      error: { kind: 'permanent', outcome: 'not_sent', code: 'EAUTH' },
    });
    expect(smtpOutcome(reply(554, '554 No SMTP service here', 'CONN'))).toMatchObject({
      type: 'fatal',
    });
  });

  it('tells a connection that never reached a session from one lost mid-session', () => {
    const socket = (extra: object) =>
      Object.assign(new Error('x'), { code: 'ESOCKET', command: 'CONN', ...extra });
    expect(smtpOutcome(socket({ originalCode: 'ECONNREFUSED' })).type).toBe('not_sent');
    expect(smtpOutcome(socket({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' })).type).toBe(
      'not_sent',
    );
    expect(smtpOutcome(socket({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' })).type).toBe(
      'unknown',
    );
    expect(smtpOutcome(socket({ code: 'ECONNECTION' })).type).toBe('unknown');
    expect(smtpOutcome(Object.assign(new Error('aborted'), { code: 'EABORT' })).type).toBe(
      'unknown',
    );
  });
});
