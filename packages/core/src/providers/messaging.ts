/**
 * The messaging provider interfaces: what the campaign dispatcher sends email and SMS
 * through. Core ships one built-in, the durable `outbox` (a table; the demo's and the
 * tests' provider, and a host's dry run); SendGrid, Postmark, Twilio and SMTP live in
 * `@greentrack/adapters`, each a thin wrapper of the provider's SDK.
 *
 * The shape follows what those providers need and give:
 * - batches (`capabilities.maxBatch`: SendGrid 1,000 personalizations, Postmark 500, Twilio 1),
 *   with everything per recipient already rendered — the dispatcher renders, providers deliver;
 * - our message id travels with every message (`messageId`): the idempotency key where the
 *   provider has one, and the custom argument / metadata that maps webhooks back;
 * - one result per message, in order: `sent` with the provider's id, or `failed` with a
 *   typed `ProviderFailure` (transient → retried with backoff honouring `retryAfterMs`;
 *   permanent → the message fails, and `suppress` tells core to stop sending to the address);
 * - a whole-call failure (network down, 429 for the batch, bad credentials) is thrown as a
 *   `ProviderError`, whose `outcome` says whether any message may have gone out.
 */

/** What a provider can do, so the dispatcher can plan around it. */
export interface ProviderCapabilities {
  /** Most messages one `send` call accepts (the dispatcher never sends more). */
  maxBatch: number;
  /**
   * The provider deduplicates sends by `messageId`: a repeated send of the same id delivers
   * nothing new. Only then may the dispatcher resend a message whose outcome is unknown.
   */
  idempotent: boolean;
  /** Largest sustained rate, in messages per second (the dispatcher's rate limit). */
  ratePerSecond: number;
}

/** Fields every outgoing message has. */
interface OutgoingMessage {
  /** Our `messages.id`: the idempotency key, and what provider webhooks carry back. */
  messageId: string;
  /** Extra headers or metadata the provider should attach (e.g. `List-Unsubscribe`). */
  headers: Readonly<Record<string, string>>;
}

/** One rendered email. */
export interface EmailMessage extends OutgoingMessage {
  to: { email: string; name?: string };
  from: { email: string; name?: string };
  replyTo?: string;
  subject: string;
  /** The HTML body, links already decorated and CSS inlined. */
  html: string;
  /** The plain-text alternative. */
  text: string;
}

/** One rendered SMS. */
export interface SmsMessage extends OutgoingMessage {
  /** E.164 (`+14155550100`). */
  to: string;
  /** Sender number or alphanumeric id; the provider's default when omitted. */
  from?: string;
  body: string;
  /** Where the provider should post delivery receipts (our webhook route). */
  statusCallbackUrl?: string;
}

/** Who a batch is for: every message of one `send` call belongs to one organization. */
export interface SendContext {
  organizationId: string;
  /** The campaign and run, when the batch is part of one (provider categories, tags). */
  campaignId?: string;
  campaignRunId?: string;
  /** Aborts a call that takes too long; the outcome of its messages is then unknown. */
  signal?: AbortSignal;
}

/** Why one message was not sent. */
export interface ProviderFailure {
  /** `transient`: try again later; `permanent`: this message will never go out as is. */
  kind: 'transient' | 'permanent';
  /** The provider's code (`21610`, `406`, `429`, …) or ours. */
  code: string;
  /** The provider's text, for the message's failure reason. */
  message: string;
  /** Wait at least this long before retrying (from `Retry-After`). */
  retryAfterMs?: number;
  /**
   * The address should get nothing more on this channel: the recipient unsubscribed at the
   * provider (Twilio 21610), is inactive (Postmark 406), or the address is invalid.
   */
  suppress?: 'unsubscribed' | 'bounced' | 'invalid';
}

/** The outcome of one message of a batch. */
export type SendResult =
  | { messageId: string; status: 'sent'; providerMessageId: string | null }
  | { messageId: string; status: 'failed'; failure: ProviderFailure };

/** A provider of one channel. */
interface MessagingProvider<Channel extends 'email' | 'sms', Message extends OutgoingMessage> {
  /** Stable name recorded in `messages.provider` (`sendgrid`, `twilio`, `outbox`, …). */
  readonly id: string;
  readonly channel: Channel;
  readonly capabilities: ProviderCapabilities;
  /**
   * Sends up to `capabilities.maxBatch` messages. Resolves with one result per message, in
   * the order given. Throws `ProviderError` when the call as a whole failed. A message whose
   * outcome the adapter cannot know (its own request timed out after it was sent) is left
   * out: the dispatcher counts a missing result as unknown.
   */
  send(messages: readonly Message[], context: SendContext): Promise<SendResult[]>;
}

/** Sends email. */
export type EmailProvider = MessagingProvider<'email', EmailMessage>;
/** Sends SMS. */
export type SmsProvider = MessagingProvider<'sms', SmsMessage>;

/** The providers of each channel, as configured (`providers` in `createGreenTrack`). */
export interface MessagingProviders {
  /** The first email provider (test sends go through it). */
  email: EmailProvider;
  /** The first SMS provider. */
  sms: SmsProvider;
  /**
   * The providers configured after the first, in order: campaign sends fail over to them
   * when the ones before are out of service (see `dispatch.circuitBreaker`).
   * @default none
   */
  fallbacks?: { email?: readonly EmailProvider[]; sms?: readonly SmsProvider[] };
}

/** Every configured provider of `channel`, in the host's order (failover order). */
export function configuredProviders(
  providers: MessagingProviders,
  channel: 'email' | 'sms',
): readonly (EmailProvider | SmsProvider)[] {
  return channel === 'email'
    ? [providers.email, ...(providers.fallbacks?.email ?? [])]
    : [providers.sms, ...(providers.fallbacks?.sms ?? [])];
}

/** True when `value` has the shape of a provider of `channel`. */
export function isMessagingProvider(value: unknown, channel: 'email' | 'sms'): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<EmailProvider>;
  const caps = p.capabilities;
  return (
    typeof p.id === 'string' &&
    p.channel === channel &&
    typeof p.send === 'function' &&
    typeof caps === 'object' &&
    caps !== null &&
    Number.isInteger(caps.maxBatch) &&
    caps.maxBatch >= 1 &&
    typeof caps.idempotent === 'boolean' &&
    typeof caps.ratePerSecond === 'number' &&
    caps.ratePerSecond > 0
  );
}

/**
 * A `send` call that failed as a whole.
 * `outcome: 'not_sent'` — nothing left (connection refused, 401, 429 before acceptance):
 * the batch may be retried as is. `'unknown'` — the request may have been accepted (a
 * timeout after the body was sent, a 5xx from a proxy): messages are resent only through
 * an idempotent provider, else held for review.
 */
export class ProviderError extends Error {
  readonly kind: 'transient' | 'permanent';
  readonly outcome: 'not_sent' | 'unknown';
  readonly code: string;
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    message: string;
    kind: 'transient' | 'permanent';
    outcome: 'not_sent' | 'unknown';
    code: string;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = options.kind;
    this.outcome = options.outcome;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds from `now`; undefined if absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: Date): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
