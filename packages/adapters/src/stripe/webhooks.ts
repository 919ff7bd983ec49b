/**
 * Stripe's webhooks as a core `WebhookSource`: the `Stripe-Signature` header checked by the
 * official SDK (`Stripe.webhooks.constructEvent`, HMAC-SHA256 over `{t}.{raw body}`, 300 s
 * tolerance measured against core's clock), the event stored as Stripe sent it, and read
 * back by `stripeEffects`.
 */
import {
  type InboundWebhookRequest,
  type StoredWebhook,
  type VerifiedWebhook,
  type WebhookCredentials,
  type WebhookEffect,
  WebhookSignatureError,
  type WebhookSource,
} from '@greentrack/core';
import Stripe from 'stripe';
import { type StoredStripeEvent, stripeEffects } from './events.js';

/** Options of {@link stripeWebhooks}. */
export interface StripeWebhooksOptions {
  /**
   * How old a signed timestamp may be, in seconds (Stripe's own default). A replayed
   * request outside it is refused.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * Whether `invoice.*` events fill the invoice cache: the organization bills through Stripe
   * Invoicing, so every invoice of its Stripe account is one of its invoices. Set `false`
   * when the account's invoices are something else (e.g. the business's own subscriptions)
   * and only payments made through GreenTrack's payment links should be read.
   * @default true
   */
  invoices?: boolean;
}

const HEADER = 'stripe-signature';

/** Why the SDK refused, in the contract's reasons. */
function reasonOf(error: unknown): string {
  // The signature matched, but the body is not JSON: authentic, yet nothing to store.
  if (error instanceof SyntaxError) return 'malformed';
  const message = error instanceof Error ? error.message : '';
  if (message.includes('Timestamp outside the tolerance zone')) return 'stale_timestamp';
  if (message.includes('Unable to extract timestamp')) return 'malformed';
  return 'bad_signature';
}

function readEvent(payload: unknown): StoredStripeEvent {
  const event = payload as Partial<StoredStripeEvent> | null;
  if (
    typeof event?.type !== 'string' ||
    typeof event.created !== 'number' ||
    typeof event.data !== 'object' ||
    event.data === null
  ) {
    throw new Error('The stored payload is not a Stripe event (type, created, data)');
  }
  return event as StoredStripeEvent;
}

/**
 * The Stripe webhook source. Each organization's `stripe` integration account holds the
 * endpoint's signing secret as `webhookSecret` (`whsec_…`, from the Dashboard or
 * `stripe listen`); the endpoint is `{base}/webhooks/stripe/{integrationAccountId}`.
 *
 * Verified events are stored whole. `payment_intent.*`, `charge.*` (refunds included) and
 * `checkout.session.*` become `payment` effects when the object carries our invoice
 * metadata (see `paymentsFromEvent`); `invoice.*` become `invoice` effects.
 *
 * @example
 * import { stripeWebhooks } from '@greentrack/adapters/stripe';
 * const gt = await createGreenTrack({ providers: { webhooks: [stripeWebhooks()] } });
 */
export function stripeWebhooks(options: StripeWebhooksOptions = {}): WebhookSource {
  const tolerance = options.toleranceSeconds ?? 300;
  return {
    provider: 'stripe',
    secretHeaders: [HEADER],
    async verify(
      request: InboundWebhookRequest,
      credentials: WebhookCredentials,
    ): Promise<VerifiedWebhook> {
      const secret = credentials.webhookSecret;
      if (!secret) {
        throw new WebhookSignatureError(
          'missing_secret',
          'The Stripe integration account has no webhookSecret',
        );
      }
      const signature = request.headers[HEADER];
      if (!signature) {
        throw new WebhookSignatureError('missing_header', 'No Stripe-Signature header');
      }
      let event: Stripe.Event;
      try {
        event = await Stripe.webhooks.constructEventAsync(
          request.rawBody,
          signature,
          secret,
          tolerance,
          undefined,
          request.receivedAt.getTime(),
        );
      } catch (error) {
        const reason = reasonOf(error);
        throw new WebhookSignatureError(
          reason,
          `Stripe signature refused (${reason}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return { eventType: event.type, payload: event, eventCount: 1 };
    },
    interpret(webhook: StoredWebhook): WebhookEffect[] {
      return stripeEffects(readEvent(webhook.payload), {
        ...(options.invoices === undefined ? {} : { invoices: options.invoices }),
      });
    },
  };
}
