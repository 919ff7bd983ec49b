/**
 * A real SMTP server (`smtp-server`) in-process that parses what it receives (`mailparser`),
 * and the adapter pointed at it: the rig of the shared provider conformance suite
 * (`test/provider-conformance.ts`), also used by this adapter's own tests.
 *
 * The faults, as SMTP says them: `transient` → `451 4.3.0` to MAIL FROM; `rate_limited` →
 * `451 4.7.1` (SMTP has no Retry-After); `permanent` → `550 5.1.1` to RCPT TO (unknown
 * user); `accept_then_timeout` → the message is received, then the answer to the end of
 * DATA comes after the adapter's timeout.
 */
import type { AddressInfo } from 'node:net';
import type { EmailProvider } from '@greentrack/core';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { ConformanceTarget, Fault } from '../../test/provider-conformance.js';
import {
  MESSAGE_ID_HEADER,
  type SmtpEmailProvider,
  type SmtpServerOptions,
  smtpEmail,
} from './provider.js';

/** The adapter's socket timeout in the rig: `accept_then_timeout` answers after it. */
const TIMEOUT_MS = 400;

/** One message the server took in. */
interface ReceivedMail {
  envelope: { mailFrom: string; rcptTo: string[] };
  /** The queue id the server answered with (`250 OK: queued as <id>`). */
  queueId: string;
  raw: Buffer;
  parsed: ParsedMail;
}

function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

const ENVELOPE_FAULTS = {
  // Not 421: a server that says 421 closes the connection, and nodemailer's pool then
  // reports only the closed connection, whose outcome is unknown (decision 108).
  transient: () => reply(451, '4.3.0 Local error in processing, try again later'),
  rate_limited: () => reply(451, '4.7.1 Too many messages, slow down'),
};

/** The rig, plus what the server received. */
export interface SmtpRig {
  provider: SmtpEmailProvider;
  /** Messages the server took in, in order. */
  received: ReceivedMail[];
  port: number;
  failNext(fault: Fault, count?: number): void;
  accepted(): string[];
  close(): Promise<void>;
}

/** Starts the SMTP server on a free port and an adapter pointed at it. */
export async function startSmtpRig(options: Partial<SmtpServerOptions> = {}): Promise<SmtpRig> {
  const faults: Fault[] = [];
  const received: ReceivedMail[] = [];
  // A fault belongs to one transaction: taken at MAIL FROM, applied where SMTP says it.
  const pending = new Map<string, Fault | undefined>();
  let queued = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled clients may still be connected when a test ends.
    closeTimeout: 200,
    onMailFrom(_address, session, callback) {
      const fault = faults.shift();
      if (fault === 'transient' || fault === 'rate_limited')
        return callback(ENVELOPE_FAULTS[fault]());
      pending.set(session.id, fault);
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      if (pending.get(session.id) === 'permanent') {
        return callback(
          reply(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const queueId = `Q${String(++queued).padStart(6, '0')}`;
        received.push({
          envelope: {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
          },
          queueId,
          raw,
          parsed: await simpleParser(raw),
        });
        const answer = () => callback(null, `OK: queued as ${queueId}`);
        if (pending.get(session.id) === 'accept_then_timeout') setTimeout(answer, TIMEOUT_MS * 3);
        else answer();
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.server.address() as AddressInfo;
  const provider = smtpEmail({
    host: '127.0.0.1',
    port,
    secure: false,
    timeoutMs: TIMEOUT_MS,
    ratePerSecond: 100,
    ...options,
  });
  return {
    provider,
    received,
    port,
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    accepted: () =>
      received.map((m) => {
        const id = m.parsed.headers.get(MESSAGE_ID_HEADER.toLowerCase());
        return typeof id === 'string' ? id : '';
      }),
    close: async () => {
      provider.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The adapter as a target of the shared conformance suite. */
export const smtpConformanceTarget: ConformanceTarget<EmailProvider> = {
  name: 'smtp',
  channel: 'email',
  start: () => startSmtpRig(),
  noRetryAfter:
    'SMTP has no Retry-After: a rate limit is a 4xx reply (here 451 4.7.1) with text only.',
};
