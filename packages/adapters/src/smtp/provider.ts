/**
 * `smtpEmail()`: GreenTrack's `EmailProvider` over SMTP through `nodemailer`, for a business's
 * own mail server or any SMTP relay. Each message is its own SMTP transaction (its own
 * envelope), sent concurrently over a pool of connections.
 */
import {
  type EmailMessage,
  type EmailProvider,
  GreenTrackError,
  ProviderError,
  type ProviderFailure,
  type SendContext,
  type SendResult,
} from '@greentrack/core';
import nodemailer, { type DKIMOptions, type NodemailerError, type Transporter } from 'nodemailer';
import { SmtpErrorCode } from './error-codes.js';
import { type SmtpOutcome, smtpOutcome } from './errors.js';

/** The header that carries our message id (bounces and replies quote it back). */
export const MESSAGE_ID_HEADER = 'X-GreenTrack-Message-Id';

/** How messages are addressed, batched and paced. Shared by both ways of configuring the adapter. */
interface SmtpSendingOptions {
  /**
   * Domain of the `Message-ID` (`<our message id@domain>`).
   * @default the domain of each message's From address
   */
  messageIdDomain?: string;
  /**
   * The envelope sender (`MAIL FROM`, where bounces go).
   * @default each message's From address
   */
  envelopeFrom?: string;
  /**
   * Messages per `send` call; they go out concurrently over the pool.
   * @default 50
   */
  maxBatch?: number;
  /**
   * Messages per second the server or relay accepts; the dispatcher paces sends by it.
   * @default 10
   */
  ratePerSecond?: number;
  /**
   * Recorded in `messages.provider`.
   * @default 'smtp'
   */
  id?: string;
}

/** A server to connect to: the adapter builds and owns a pooled transport. */
export interface SmtpServerOptions extends SmtpSendingOptions {
  host: string;
  /** @default 587 */
  port?: number;
  /**
   * TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it.
   * @default port === 465
   */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. @default false */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Sign every message with DKIM (`{ domainName, keySelector, privateKey }`). */
  dkim?: DKIMOptions;
  /** Connections open at once. @default 5 */
  maxConnections?: number;
  /** Messages per connection before it is replaced. @default 100 */
  maxMessages?: number;
  /**
   * How long the server may stay silent (including its answer to the end of DATA). A
   * timeout after DATA makes the outcome `unknown`.
   * @default 30000
   */
  timeoutMs?: number;
  /** Node TLS options (e.g. `{ servername }`, or a private CA). */
  tls?: Record<string, unknown>;
}

/**
 * A nodemailer transport the caller configured and owns. Set `maxRequeues: 0` on a pool:
 * nodemailer otherwise resends a message whose connection closed mid-send, which can
 * deliver it twice.
 */
export interface SmtpTransportOptions extends SmtpSendingOptions {
  transport: Transporter;
}

/** Options of {@link smtpEmail}. */
export type SmtpEmailOptions = SmtpServerOptions | SmtpTransportOptions;

/** The provider, plus `close()` for the pool it opened (a no-op on a caller's transport). */
export interface SmtpEmailProvider extends EmailProvider {
  close(): void;
}

function configError(message: string): GreenTrackError {
  return new GreenTrackError({ code: SmtpErrorCode.SMTP_CONFIG_INVALID, message });
}

function buildTransport(options: SmtpServerOptions): Transporter {
  if (!options.host) throw configError('smtpEmail needs `transport`, or `host`.');
  const port = options.port ?? 587;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return nodemailer.createTransport({
    pool: true,
    host: options.host,
    port,
    secure: options.secure ?? port === 465,
    requireTLS: options.requireTLS ?? false,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: options.maxMessages ?? 100,
    // A resend by the pool after a dropped connection may be a second delivery; core
    // decides about messages whose outcome is unknown.
    maxRequeues: 0,
    socketTimeout: timeoutMs,
    connectionTimeout: Math.min(timeoutMs, 10_000),
    greetingTimeout: Math.min(timeoutMs, 10_000),
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.dkim ? { dkim: options.dkim } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1) || 'greentrack.invalid';
}

/** The failure of one message that did not go out. */
function failureOf(attempt: Exclude<SmtpOutcome, { type: 'unknown' }>): ProviderFailure {
  switch (attempt.type) {
    case 'failed':
      return attempt.failure;
    case 'fatal':
      return { kind: attempt.error.kind, code: attempt.error.code, message: attempt.error.message };
    case 'not_sent':
      return {
        kind: 'transient',
        code: attempt.error.code ?? 'ECONNECTION',
        message: attempt.error.message,
      };
  }
}

/** One attempt's outcome, or the Message-ID it was sent with. */
type Attempt = { type: 'sent'; providerMessageId: string } | SmtpOutcome;

/**
 * An `EmailProvider` that sends through an SMTP server. Capabilities: `maxBatch` (default
 * 50, sent concurrently over the pool), `idempotent: false` (SMTP has no deduplication),
 * `ratePerSecond` as configured. Each message carries our id in `X-GreenTrack-Message-Id`
 * and as the local part of its `Message-ID`, which is its `providerMessageId`.
 *
 * @example
 * import { smtpEmail } from '@greentrack/adapters/smtp';
 * const email = smtpEmail({
 *   host: 'smtp.example.com', port: 587,
 *   auth: { user: 'apikey', pass: process.env.SMTP_PASSWORD! },
 *   dkim: { domainName: 'example.com', keySelector: 'gt1', privateKey: process.env.DKIM_KEY! },
 * });
 */
export function smtpEmail(options: SmtpEmailOptions): SmtpEmailProvider {
  const maxBatch = options.maxBatch ?? 50;
  const ratePerSecond = options.ratePerSecond ?? 10;
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw configError('`maxBatch` must be a whole number above 0.');
  if (!(ratePerSecond > 0)) throw configError('`ratePerSecond` must be above 0.');
  const owned = !('transport' in options);
  const transport = 'transport' in options ? options.transport : buildTransport(options);

  async function attempt(message: EmailMessage, signal: AbortSignal | undefined): Promise<Attempt> {
    const messageIdHeader = `<${message.messageId}@${options.messageIdDomain ?? domainOf(message.from.email)}>`;
    try {
      const info = await transport.sendMail({
        from: { name: message.from.name ?? '', address: message.from.email },
        to: { name: message.to.name ?? '', address: message.to.email },
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: messageIdHeader,
        headers: { ...message.headers, [MESSAGE_ID_HEADER]: message.messageId },
        envelope: { from: options.envelopeFrom ?? message.from.email, to: [message.to.email] },
        ...(signal ? { signal } : {}),
      });
      const sentId = (info as { messageId?: unknown }).messageId;
      return {
        type: 'sent',
        providerMessageId: typeof sentId === 'string' ? sentId : messageIdHeader,
      };
    } catch (error) {
      return smtpOutcome(error as NodemailerError);
    }
  }

  async function send(
    messages: readonly EmailMessage[],
    context: SendContext,
  ): Promise<SendResult[]> {
    const attempts = await Promise.all(messages.map((m) => attempt(m, context.signal)));
    const fatal = attempts.find((a) => a.type === 'fatal');
    // Thrown for the whole call only while it is true of the whole call: nothing went out.
    if (fatal && !attempts.some((a) => a.type === 'sent')) throw fatal.error;
    const unknown = attempts.filter((a) => a.type === 'unknown');
    if (unknown.length > 0) {
      // SendResult has no per-message "unknown": the whole call is, so core holds the batch
      // rather than risk a second delivery of the messages that did go out.
      throw new ProviderError({
        message: `${unknown.length} of ${messages.length} messages may or may not have been accepted: ${unknown[0]?.error.message}`,
        code: SmtpErrorCode.SMTP_OUTCOME_UNKNOWN,
        kind: 'transient',
        outcome: 'unknown',
        cause: unknown[0]?.error,
      });
    }
    const results = messages.map((message, i): SendResult => {
      const a = attempts[i] as Exclude<Attempt, { type: 'unknown' }>;
      if (a.type === 'sent') {
        return {
          messageId: message.messageId,
          status: 'sent',
          providerMessageId: a.providerMessageId,
        };
      }
      return { messageId: message.messageId, status: 'failed', failure: failureOf(a) };
    });
    // Every message turned away for a while: the server is the problem, not the recipients.
    if (results.every((r) => r.status === 'failed' && r.failure.kind === 'transient')) {
      const first = (results[0] as Extract<SendResult, { status: 'failed' }>).failure;
      throw new ProviderError({
        message: first.message,
        code: first.code,
        kind: 'transient',
        outcome: 'not_sent',
      });
    }
    return results;
  }

  return {
    id: options.id ?? 'smtp',
    channel: 'email',
    capabilities: { maxBatch, idempotent: false, ratePerSecond },
    send,
    close: () => {
      if (owned) transport.close();
    },
  };
}
