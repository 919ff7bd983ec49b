/**
 * Inbound webhook shapes shared by core's `webhooks` module and the webhook adapters.
 *
 * A `WebhookSource` is one provider's side of the conversation: it checks that a request
 * really comes from the provider (with the provider's own scheme and the secret held in an
 * integration account), says what to store, and later reads the stored payload back as
 * provider-neutral `WebhookEffect`s. Core does everything around it: finds the account,
 * stores the verified request in `webhooks_inbound` (committed before the response), then
 * applies the effects in their own transaction through the handlers modules declare
 * (`ModuleDefinition.webhookHandlers`), idempotently and in any order.
 *
 * Sources live in `@greentrack/adapters` (SendGrid, Postmark, Twilio, Stripe, ZeroInvoice /
 * Standard Webhooks); core never imports a provider SDK.
 */
import type { SourceInvoice } from './invoices.js';
import type { PaymentInput } from './payments.js';

/** The providers webhooks arrive from: the seed's integration providers that post to us. */
export type WebhookProvider = 'sendgrid' | 'postmark' | 'twilio' | 'stripe' | 'zeroinvoice';

/** A webhook request as it arrived, before anything about it is trusted. */
export interface InboundWebhookRequest {
  /**
   * The public URL the provider posted to, query included (what Twilio signs). Behind a
   * proxy it is rebuilt from the configured public base URL, not from the Host header.
   */
  url: string;
  method: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** The body's exact bytes: every signature scheme signs these, not a re-serialization. */
  rawBody: Uint8Array;
  /** The client's address, when the host knows it (Postmark's optional IP allowlist). */
  remoteAddress?: string;
  /** Now, from core's clock: what timestamp tolerances are measured against. */
  receivedAt: Date;
}

/** The integration account's decrypted credential fields (where the verification secret is). */
export type WebhookCredentials = Readonly<Record<string, string>>;

/** What a verified request leaves to store. */
export interface VerifiedWebhook {
  /** `webhooks_inbound.event_type`: the provider's type, or `batch` for a SendGrid array. */
  eventType: string | null;
  /** `webhooks_inbound.payload`: JSON the source's `interpret` can read back later. */
  payload: unknown;
  /** How many provider events the payload carries (core processes small ones inline). */
  eventCount: number;
}

/** A stored webhook, as `interpret` reads it back (at first processing and on reprocess). */
export interface StoredWebhook {
  id: string;
  organizationId: string;
  eventType: string | null;
  payload: unknown;
  receivedAt: Date;
}

/** Delivery and engagement events of a message we sent (email or SMS). */
export interface MessageEventEffect {
  kind: 'message.event';
  /**
   * `sent`, `failed` and `deferred` only move `messages.status`; the others are also
   * `message_events` rows (the seed's types: delivered, open, click, bounce, spam, unsubscribe).
   */
  type:
    | 'sent'
    | 'delivered'
    | 'deferred'
    | 'failed'
    | 'open'
    | 'click'
    | 'bounce'
    | 'spam'
    | 'unsubscribe';
  /** Our `messages.id`, when the provider carried it back (SendGrid `custom_args`, Postmark `Metadata`). */
  messageId?: string;
  /** The provider's id of the message (`sg_message_id` prefix, Postmark `MessageID`, Twilio `MessageSid`). */
  providerMessageId?: string;
  /** The provider's id of this event (`sg_event_id`), when it has one: deduplication. */
  providerEventId?: string;
  /** When it happened at the provider (not when it reached us). */
  occurredAt: Date;
  /** A hard bounce suppresses the address; a soft one (mailbox full, blocked) does not. */
  bounce?: 'hard' | 'soft';
  /** The clicked URL, the provider's reason or code, user agent: kept in `message_events.metadata`. */
  metadata: Readonly<Record<string, unknown>>;
}

/** An SMS a customer sent to one of our numbers (Twilio inbound). */
export interface InboundSmsEffect {
  kind: 'sms.inbound';
  /** E.164 sender: the customer. */
  from: string;
  /** E.164 number of ours it was sent to. */
  to: string;
  body: string;
  providerMessageId: string;
}

/** A payment or refund the provider reports (Stripe, ZeroInvoice). */
export interface PaymentEffect {
  kind: 'payment';
  payment: PaymentInput;
}

/** An invoice's current state as the provider reports it (ZeroInvoice, Stripe `invoice.*`). */
export interface InvoiceEffect {
  kind: 'invoice';
  invoice: SourceInvoice;
}

/** Everything a webhook can ask of core. Events a source does not act on give no effect. */
export type WebhookEffect = MessageEventEffect | InboundSmsEffect | PaymentEffect | InvoiceEffect;

export type WebhookEffectKind = WebhookEffect['kind'];

/** What applying a webhook's effects produced that the provider's response may carry. */
export interface WebhookOutcome {
  /** Text to answer the sender with (an SMS HELP reply), in order. */
  replies: readonly string[];
}

/** The HTTP response a source gives the provider once the request is stored. */
export interface WebhookAcknowledgement {
  status: number;
  contentType: string;
  body: string;
}

/** Thrown by `verify` when a request is not authentic; core answers 401 and stores nothing. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  /**
   * Why, for logs and the per-account failure counter: `missing_header`, `bad_signature`,
   * `stale_timestamp`, `bad_credentials`, `ip_not_allowed`, `missing_secret`, `malformed`.
   */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** One provider's webhooks: verify, then interpret what was stored. */
export interface WebhookSource {
  readonly provider: WebhookProvider;
  /**
   * Checks the request with the provider's scheme and the account's credentials, in constant
   * time where secrets are compared. Throws `WebhookSignatureError` when it is not authentic
   * (missing header, tampered body, wrong key, stale timestamp), or when the body cannot be
   * read at all.
   */
  verify(
    request: InboundWebhookRequest,
    credentials: WebhookCredentials,
  ): VerifiedWebhook | Promise<VerifiedWebhook>;
  /**
   * Reads a stored payload back as effects. Pure and deterministic (same payload, same
   * effects), so a replay or a reprocess applies exactly what the first run did. Unknown
   * event types give no effect; a payload it cannot read throws (the row becomes `failed`).
   */
  interpret(webhook: StoredWebhook): WebhookEffect[];
  /**
   * The response for the provider. Default: 200 `{"received":true}`. Twilio answers TwiML,
   * with a `<Message>` per reply.
   */
  acknowledge?(outcome: WebhookOutcome): WebhookAcknowledgement;
  /**
   * Header names (lower case) that carry secrets and are replaced by `[redacted]` before the
   * headers are stored. Core always redacts `authorization`, `cookie` and `proxy-authorization`.
   */
  readonly secretHeaders?: readonly string[];
}
